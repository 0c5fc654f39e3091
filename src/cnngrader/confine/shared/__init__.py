"""What both sides of the boundary share: the wire format, the probe protocol, limits, levels.

Imported by the trusted side and by the untrusted zygote and child alike, so it holds formats
and plain records only, never behaviour that trusts what the other side sends.
"""
