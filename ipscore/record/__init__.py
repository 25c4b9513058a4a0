"""The season's record, read from the archive: what is stored of a submission, a city's years,
the three-year review, reviewers' checks and the published list."""
