"""The peer: the same gate in SpiffWorkflow (BPMN), its workflow persisted as JSON in SQLite after every step.

A gate is three parallel user tasks (one sign-off per partner) between a parallel split and its join, then an
exclusive gateway: every partner approved -> passed (the next stage), else -> refused (an end). The lifecycle
chains one such gate per stage of the default lifecycle, each stage first doing a user task per criterion
(banns records evidence per criterion) and one to request the sign-off. The BPMN is built here, as text.

Persistence matches banns' durability: SQLite in WAL with ``synchronous=FULL``, one transaction per step
writing the whole serialised workflow (``BpmnWorkflowSerializer.serialize_json``) into a row.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.util.task import TaskState

from bench.targets import SQLITE_PRAGMAS

PARTNERS = 3
_NS = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'targetNamespace="http://banns.example/bench"'
)


class _Builder:
    def __init__(self) -> None:
        self.nodes: list[str] = ['<bpmn:startEvent id="start"/>']
        self.flows: list[str] = []

    def flow(self, source: str, target: str, condition: str | None = None, flow_id: str | None = None) -> None:
        fid = flow_id or f"flow_{len(self.flows)}"
        body = (
            f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression>'
            if condition
            else ""
        )
        self.flows.append(
            f'<bpmn:sequenceFlow id="{fid}" sourceRef="{source}" targetRef="{target}">{body}</bpmn:sequenceFlow>'
        )

    def task(self, task_id: str, previous: str, condition: str | None = None) -> str:
        self.nodes.append(f'<bpmn:userTask id="{task_id}" name="{task_id}"/>')
        self.flow(previous, task_id, condition)
        return task_id

    def gate(self, stage: str, previous: str, condition: str | None) -> str:
        """Split, one sign-off per partner, join, and the gateway; returns the gateway's id."""
        split, join, gateway = f"{stage}_split", f"{stage}_join", f"{stage}_gateway"
        self.nodes += [f'<bpmn:parallelGateway id="{split}"/>', f'<bpmn:parallelGateway id="{join}"/>']
        self.flow(previous, split, condition)
        for k in range(PARTNERS):
            self.flow(self.task(f"{stage}_sign_{k}", split), join)
        refused = f"{gateway}_refused"
        self.nodes += [
            f'<bpmn:exclusiveGateway id="{gateway}" default="{refused}"/>',
            f'<bpmn:endEvent id="{stage}_refused_end"/>',
        ]
        self.flow(join, gateway)
        self.flow(gateway, f"{stage}_refused_end", flow_id=refused)
        return gateway


def _approved(stage: str) -> str:
    return " and ".join(f"{stage}_sign_{k} == 'approve'" for k in range(PARTNERS))


def bpmn(process_id: str, stages: list[tuple[str, list[str]]]) -> str:
    """A process of one gate per stage; each stage's ``steps`` (user tasks) come before its gate, and a gate
    passed leads to the next stage (the last one to ``passed_end``)."""
    b = _Builder()
    source, condition = "start", None
    for stage, steps in stages:
        for step in steps:
            source, condition = b.task(f"{stage}_{step}", source, condition), None
        source, condition = b.gate(stage, source, condition), _approved(stage)
    b.nodes.append('<bpmn:endEvent id="passed_end"/>')
    b.flow(source, "passed_end", condition)
    body = "".join(b.nodes + b.flows)
    process = f'<bpmn:process id="{process_id}" isExecutable="true">{body}</bpmn:process>'
    return f"<bpmn:definitions {_NS}>{process}</bpmn:definitions>"


class Spiff:
    """Workflows of one process spec, each step persisted to a SQLite file."""

    def __init__(self, folder: Path, process_id: str, stages: list[tuple[str, list[str]]]) -> None:
        parser = BpmnParser()
        parser.add_bpmn_str(bpmn(process_id, stages).encode(), filename=f"{process_id}.bpmn")
        self.spec = parser.get_spec(process_id)
        self.serializer = BpmnWorkflowSerializer()
        self.conn = sqlite3.connect(folder / f"spiff-{process_id}.sqlite3", isolation_level=None)
        for pragma in SQLITE_PRAGMAS:
            self.conn.execute(f"PRAGMA {pragma}")
        self.conn.execute("CREATE TABLE IF NOT EXISTS workflows (id INTEGER PRIMARY KEY, state TEXT NOT NULL)")
        self.next_id = 0

    def new(self) -> tuple[int, BpmnWorkflow]:
        """A started workflow waiting at its first user task, saved (preparation, not measured)."""
        workflow = BpmnWorkflow(self.spec)
        workflow.do_engine_steps()
        self.next_id += 1
        self._save(self.next_id, workflow)
        return self.next_id, workflow

    def _save(self, workflow_id: int, workflow: BpmnWorkflow) -> None:
        state = self.serializer.serialize_json(workflow)
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("INSERT OR REPLACE INTO workflows (id, state) VALUES (?, ?)", (workflow_id, state))
        self.conn.execute("COMMIT")

    def step(self, workflow_id: int, workflow: BpmnWorkflow) -> int:
        """Complete every ready user task (approving a sign-off), saving after each; the steps taken."""
        steps = 0
        while True:
            ready = workflow.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                return steps
            task = ready[0]
            task.data[task.task_spec.name] = "approve"
            task.run()
            workflow.do_engine_steps()
            self._save(workflow_id, workflow)
            steps += 1

    def run(self, workflows: list[tuple[int, BpmnWorkflow]]) -> float:
        """Complete each workflow; workflows per second.

        Raises:
            AssertionError: a workflow did not end passed.
        """
        started = time.perf_counter()
        for workflow_id, workflow in workflows:
            self.step(workflow_id, workflow)
        rate = len(workflows) / (time.perf_counter() - started)
        for _, workflow in workflows:
            assert workflow.is_completed() and _ended(workflow) == "passed_end", _ended(workflow)
        return rate

    def close(self) -> None:
        self.conn.close()


def _ended(workflow: BpmnWorkflow) -> Any:
    done = [t.task_spec.name for t in workflow.get_tasks(state=TaskState.COMPLETED) if "end" in t.task_spec.name]
    return done[0] if done else None
