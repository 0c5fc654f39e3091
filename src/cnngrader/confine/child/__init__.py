"""The child (untrusted side): confines itself, runs the student's cells, answers probes with data.

Everything here runs in the forked child, after or while it drops its privileges, next to the
student's code. Nothing it says is trusted: the trusted side validates every frame.
"""
