"""The trusted side of confinement: starts the sandbox, runs a notebook in a child, asks it probes.

Runs in the judge (never executes student code). Everything it receives from a child is parsed
as data: JSON and safetensors, size-capped, never unpickled.
"""
