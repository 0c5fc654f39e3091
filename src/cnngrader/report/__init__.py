"""Last stage of the pipeline: a Result as JSON, as a text table, or as a feedback page."""
