"""Celery's decorators with types. Celery ships no type hints, so a function decorated with
`app.task` or `signal.connect` would lose its own; every task and signal handler of the package is
decorated through here instead, and keeps its signature.

    @task(app, name=BRIDGE_TASK, ignore_result=True)
    def bridge_task(queue: str) -> dict[str, Any]: ...

    @bound_task(app, name="...", ignore_result=True)   # bind=True: the task comes first
    def process_message(self: Task, msg_id: int) -> str: ...

    @on(worker_process_init)
    def _per_process_setup(**_: Any) -> None: ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, cast

from celery import Celery
from celery.result import AsyncResult

P = ParamSpec("P")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)
F = TypeVar("F", bound=Callable[..., Any])


class TypedTask(Protocol[P, R_co]):
    """What the package uses of a Celery task, with the decorated function's signature."""

    name: str

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R_co: ...

    def delay(self, *args: P.args, **kwargs: P.kwargs) -> AsyncResult: ...

    def apply_async(self, args: tuple[Any, ...] | None = None, kwargs: dict[str, Any] | None = None,
                    **options: Any) -> AsyncResult: ...


def task(app: Celery, **options: Any) -> Callable[[Callable[P, R]], TypedTask[P, R]]:
    """`app.task(**options)`, typed: the task is called (and delayed) as the function is."""

    def register(function: Callable[P, R]) -> TypedTask[P, R]:
        return cast(TypedTask[P, R], app.task(**options)(function))

    return register


def bound_task(
    app: Celery, **options: Any
) -> Callable[[Callable[Concatenate[Any, P], R]], TypedTask[P, R]]:
    """`app.task(bind=True, **options)`, typed: the function's first argument is the task itself,
    and callers pass the rest."""

    def register(function: Callable[Concatenate[Any, P], R]) -> TypedTask[P, R]:
        return cast(TypedTask[P, R], app.task(bind=True, **options)(function))

    return register


def on(signal: Any, *, weak: bool = True) -> Callable[[F], F]:
    """`signal.connect` (weak=False for a handler defined inside a function, which nothing else
    holds), typed: the handler stays the function it was."""

    def connect(handler: F) -> F:
        signal.connect(handler, weak=weak)
        return handler

    return connect
