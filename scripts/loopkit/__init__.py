"""loopkit: compile a YAML question bank into structured interview packets for AI engineering roles."""

__version__ = "0.1.0"

# The name on the package index, which differs from the command and the import: "loopkit" there is an
# unrelated project, so every install line names this one (with a version, see teamkit.requirement).
DISTRIBUTION = "loopkit-interviews"
