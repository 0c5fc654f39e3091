"""Stage 5 of the pipeline: run the hidden pytest suites against a submission (trusted side)."""
