"""The data-flow graph: applying layers, containers, project modules and functional
models to tensors adds nodes; a model's layers are the nodes its output depends on.

`Graph` holds the nodes and the stack of owners (the containers and project modules a
node is applied inside); running a project module's `forward()`/`call()` is asked of
the `Caller` it is given."""

from __future__ import annotations

from typing import Iterable

from exnet.extract.program import MAX_DEPTH, Caller, Frame, FunctionInfo, ModuleInfo, Node
from exnet.extract.values import (
    MAX_SEQUENCE,
    Choice,
    FunctionalModel,
    FunctionRef,
    Instance,
    LayerObj,
    ListVal,
    SequentialObj,
    Tensor,
    Value,
)


class Graph:
    """The nodes applied so far, one project's data-flow graph."""

    def __init__(self, caller: Caller) -> None:
        self.caller = caller
        self.nodes: list[Node] = []
        self.owner_stack: list[int] = []

    def apply_layer(self, layer: LayerObj, deps: tuple[int, ...], module: ModuleInfo,
                    line: int) -> Tensor:
        self.nodes.append(Node(layer, line or layer.line, module, tuple(dict.fromkeys(deps)),
                               tuple(self.owner_stack) + (layer.uid,)))
        return Tensor((len(self.nodes) - 1,))

    def apply(self, callee: Value, pos: list[Value], kw: dict[str, Value], frame: Frame,
              line: int) -> Value:
        deps = tensor_deps(pos, kw) or ()
        if isinstance(callee, LayerObj):   # always a Tensor
            if callee.type == "Identity":
                return Tensor(deps)
            output = self.apply_layer(callee, deps, frame.module, callee.line)
            if callee.heads:
                self.owner_stack.append(callee.uid)
                for _, head in callee.heads:
                    out = self.apply(head, [output], {}, frame, line)
                    output = out if isinstance(out, Tensor) else Tensor(())
                self.owner_stack.pop()
            return output
        result: Value
        if isinstance(callee, SequentialObj):
            self.owner_stack.append(callee.uid)
            result = Tensor(deps)
            for item in list(callee.items):
                result = self.apply(item, [result], {}, frame, line)
                if not isinstance(result, Tensor):
                    result = Tensor(deps)
            self.owner_stack.pop()
            return result
        if isinstance(callee, FunctionalModel):
            return self.replay(callee, deps)
        if isinstance(callee, Instance):
            return self.apply_instance(callee, pos, kw, frame, line)
        if isinstance(callee, Choice):   # `outputs = net(inputs)` for each option of net
            outs = [self.apply(option, pos, kw, frame, line) for option in callee.options]
            return Tensor(tuple(dict.fromkeys(d for out in outs if isinstance(out, Tensor)
                                              for d in out.deps)))
        return Tensor(deps)

    def apply_instance(self, inst: Instance, pos: list[Value], kw: dict[str, Value],
                       frame: Frame, line: int) -> Value:
        cls = inst.cls
        if frame.depth >= MAX_DEPTH:
            return Tensor(tensor_deps(pos, kw) or ())
        deps = tensor_deps(pos, kw) or ()
        start = len(self.nodes)
        self.owner_stack.append(inst.uid)
        found = cls.method("forward") or cls.method("call") or cls.method("__call__")
        result: Value = Tensor(deps)
        if found is not None:
            owner, method = found
            ref = FunctionRef(FunctionInfo(method.name.value, method, owner.module, owner), inst)
            inner = Frame(frame.module, {}, inst, cls, True, None, None, frame.depth)
            result = self.caller.call_function(ref, pos, kw, inner, line)
        if len(self.nodes) == start:
            # No forward()/call(), or one that built nothing: __init__ order, else the
            # class itself as one layer (a custom layer computing with raw weights).
            parts = [v for v in inst.attrs.values()
                     if isinstance(v, (LayerObj, SequentialObj, Instance))]
            result = Tensor(deps)
            if parts:
                for part in parts:
                    result = self.apply(part, [result], {}, frame, line)
            else:
                fw = cls.framework or "keras"
                layer = LayerObj(fw, cls.name, cls.name, inst.line, site=inst.site)
                layer.uid = inst.uid
                result = self.apply_layer(layer, deps, frame.module, inst.line)
        self.owner_stack.pop()
        if not isinstance(result, Tensor):
            result = _first_tensor(result) or Tensor(tuple(range(start, len(self.nodes)))[-1:])
        return result

    def replay(self, model: FunctionalModel, deps: tuple[int, ...]) -> Tensor:
        order = self.ancestors(model.outputs)
        mapping: dict[int, int] = {}
        self.owner_stack.append(model.uid)
        last: Tensor = Tensor(deps)
        for old in order:
            node = self.nodes[old]
            preds = tuple(mapping[p] for p in node.preds if p in mapping) or \
                (deps if not node.preds else ())
            last = self.apply_layer(node.layer, preds, node.module, node.line)
            mapping[old] = last.deps[0]
        self.owner_stack.pop()
        outs = tuple(mapping[o] for o in model.outputs if o in mapping)
        return Tensor(outs) if outs else last

    def output_of(self, obj: Value, frame: Frame) -> Tensor:
        if isinstance(obj, LayerObj):
            if obj.output_node is None:
                out = self.apply(obj, [Tensor(())], {}, frame, obj.line)
                assert isinstance(out, Tensor)   # applying a layer always gives a tensor
                obj.output_node = out.deps[0]
            return Tensor((obj.output_node,))
        if isinstance(obj, FunctionalModel):
            return Tensor(obj.outputs)
        result = self.apply(obj, [Tensor(())], {}, frame, 0)
        return result if isinstance(result, Tensor) else Tensor(())

    def ancestors(self, outputs: Iterable[int], start: int = 0) -> list[int]:
        seen: set[int] = set()
        stack = [o for o in outputs if o >= start]
        while stack:
            n = stack.pop()
            if n in seen or n < start:
                continue
            seen.add(n)
            stack.extend(self.nodes[n].preds)
        return sorted(seen)


def tensor_deps(pos: list[Value], kw: dict[str, Value]) -> tuple[int, ...] | None:
    deps: list[int] = []
    found = False
    for value in list(pos) + list(kw.values()):
        for tensor in _tensors_in(value):
            found = True
            deps.extend(tensor.deps)
    return tuple(dict.fromkeys(deps)) if found else None


def _tensors_in(value: Value, depth: int = 0) -> list[Tensor]:
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, ListVal) and depth < 3:
        return [t for item in value.items[:MAX_SEQUENCE] for t in _tensors_in(item, depth + 1)]
    return []


def _first_tensor(value: Value) -> Tensor | None:
    tensors = _tensors_in(value)
    if not tensors:
        return None
    deps: list[int] = []
    for t in tensors:
        deps.extend(t.deps)
    return Tensor(tuple(dict.fromkeys(deps)))

