"""Many submissions at once: warm judges, resumable records, nbgrader's gradebook, exports.

Entry points: ``cnngrader.batch.grade.grade_assignment`` and
``cnngrader.batch.export.export_grades`` (imported from their modules, so that a worker started
as ``python -m cnngrader.batch.worker`` does not import the coordinator's side first).
"""
