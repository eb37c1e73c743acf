"""loopkit: compile a YAML question bank into structured interview packets for AI engineering roles."""

__version__ = "0.1.0"
