"""The warm zygote (untrusted side, inside bubblewrap): imports torch once, forks a child per run.

Started as ``python -I -m cnngrader.confine.zygote FD``; it only ever receives the judge's fork
and kill requests on its control socket.
"""
