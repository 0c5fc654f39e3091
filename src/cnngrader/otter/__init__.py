"""Otter-Grader and Gradescope: the course as an Otter assignment, graded by the confined engine.

``assign``      ``cnngrader otter ID --to DIR``: stage the course, run the real ``otter assign``
``master``      the Otter master notebook, made from the nbgrader source notebook (pure)
``cells``       its cells: answers with Otter's markers, checks as public tests, the hidden test
``course``      the questions of an assignment and the course files an autograder ships
``wheel``       a wheel of the installed cnngrader, for the autograder to install
``gradescope``  the zip's requirements, setup and entry point; results when Otter cannot grade
``plugin``      the Otter plugin: grade with cnngrader, put its verdict in Otter's results
``verdict``     a cnngrader Result as Otter's test files (what becomes Gradescope's results.json)
``plumbing``    Otter's own cells in a notebook, which grading leaves out (pure)

Importing this package imports nothing else: the reader uses ``plumbing`` on every notebook.
"""
