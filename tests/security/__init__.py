"""The hostile-submission suite: attacks graded with the real CLI, and what they must not achieve."""
