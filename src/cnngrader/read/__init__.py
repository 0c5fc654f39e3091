"""Stage 1 of the pipeline: read a submitted notebook into plain-Python code cells."""

from cnngrader.read.notebook import CodeCell, NotebookCode, read_notebook

__all__ = ["CodeCell", "NotebookCode", "read_notebook"]
