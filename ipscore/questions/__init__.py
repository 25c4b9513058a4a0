"""Questions asked of assessments: what if, and the least work to a grade."""
