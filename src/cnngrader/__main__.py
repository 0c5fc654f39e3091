import sys

from cnngrader.cli import main

sys.exit(main())
