"""Readable definitions of the course's source notebooks; ``tools/build_notebooks.py`` writes them."""
