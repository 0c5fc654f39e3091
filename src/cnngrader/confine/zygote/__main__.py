import sys

from cnngrader.confine.zygote.server import main

if len(sys.argv) != 2:
    sys.exit("usage: python -I -m cnngrader.confine.zygote FD")
main(sys.argv)
