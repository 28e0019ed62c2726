"""The errors users see: one line each, naming the file, the field and what is allowed."""


class SpendcalcError(Exception):
    """A problem with the user's input; the CLI prints it on one line and exits with 2."""


class DataError(SpendcalcError):
    """A data file is missing, malformed or incomplete."""


class ScenarioError(SpendcalcError):
    """A scenario file or name is wrong."""


class OutputError(SpendcalcError):
    """An output cannot be written (exists without --force, unknown suffix, ...)."""


class SpendcalcWarning(UserWarning):
    """Something allowed but unusual (e.g. a share above 10 % of GDP)."""
