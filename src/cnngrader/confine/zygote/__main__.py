import os
import sys

from cnngrader.confine.zygote.server import main

if len(sys.argv) != 2:
    sys.exit("usage: python -I -m cnngrader.confine.zygote FD")
main(sys.argv)
# Its children are killed and its folders wiped: tearing down an interpreter that holds torch
# (a third of a second here) would only make the judge's close() wait.
sys.stdout.flush()
sys.stderr.flush()
os._exit(0)
