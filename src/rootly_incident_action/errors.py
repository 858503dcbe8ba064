"""The errors a user can act on. Each carries the one message the action prints."""

from __future__ import annotations

__all__ = ["ActionError", "InvalidInput", "InvalidInputs"]


class ActionError(Exception):
    """A failure explained to the user; `title` heads the annotation, `message` says what to do."""

    title = "Rootly incident not declared"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(ActionError):
    """One input's value cannot be used."""

    title = "Invalid input"

    def __init__(self, name: str, value: str, expected: str) -> None:
        self.name = name
        self.value = value
        self.expected = expected
        super().__init__(f"input '{name}': {_quote(value)} is not valid; {expected}")


class InvalidInputs(ActionError):
    """Every problem found in the inputs, reported together so one fix-up round is enough."""

    title = "Invalid input"

    def __init__(self, problems: list[InvalidInput]) -> None:
        self.problems = problems
        if len(problems) == 1:
            text = problems[0].message
        else:
            text = f"{len(problems)} inputs are not valid:\n" + "\n".join(
                f"- {problem.message}" for problem in problems
            )
        super().__init__(text)


def _quote(value: str, limit: int = 120) -> str:
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(shown)
