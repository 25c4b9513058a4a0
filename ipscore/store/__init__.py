"""The archive: cities' figures by year and their assessments, in a real database.

Import `ipscore.store.archive` for the archive itself (it loads SQLAlchemy) and
`ipscore.store.lazy` for figures of other years from an archive opened only when needed.
"""
