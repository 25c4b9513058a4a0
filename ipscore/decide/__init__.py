"""The deciding core: the engine decides verdicts, scoring aggregates them, and the pipeline
joins the two into an assessment."""
