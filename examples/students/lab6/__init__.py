"""Answers to the questions of ``lab6``, one module per question."""
