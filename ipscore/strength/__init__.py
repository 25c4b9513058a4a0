"""The strength evaluation (实力状况评价): the composite index and the cohort it ranks."""
