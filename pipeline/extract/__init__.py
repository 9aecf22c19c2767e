"""Stage 3, extract: read Keras, PyTorch and Flax code, statically, into model records.

Public API (the contract other stages and the tests use):

- `extract_path(path) -> ExtractResult` for a .py file, an .ipynb notebook or a folder;
- `extract_project(root, project) -> ExtractResult` for one checked-out project;
- `ExtractResult.to_json()` is what `exnet extract PATH --format json` prints:
  `{"models": [...], "failures": [...]}`.

Sub-modules, one per concern: `sources` (walking and reading files, notebooks),
`names` (import aliases to qualified names), `values` (resolving literals, constants,
argparse defaults and config dicts, never evaluating code), `vocabulary` (framework
names onto the canonical layer types), `interpreter` (a small abstract interpreter over
libcst trees that follows data through Sequential lists, functional calls,
`forward()`/`call()`, helper methods and loops; its parts are `program`, `state`,
`graph`, `expressions`, `calls` and `statements`), `frameworks` (one handler per
framework: Keras, PyTorch, Flax), `hyperparameters`, `datasets` (loaders, README
mentions and input preparation) and `project` (putting files together).

Conventions the records follow (docs/ARCHITECTURE.md, "Extraction conventions"):

- A layer's `line` is where the layer object is constructed (the `nn.LSTM(...)` line in
  `__init__`, the `Dense(...)` line in a Sequential list); for functional ops used in
  `forward()`/`call()` (F.relu, torch.cat, x.view) it is the line of the call.
- Layer order is forward order. Layers built but never used in forward()/call() are
  left out; if forward()/call() is missing or yields nothing, `__init__` order is used.
- `nn.ModuleList`/list comprehensions over `range(N)` with a resolvable N repeat the
  layer N times; over a literal list they repeat once per element; with an unknown
  count they appear once.
- A condition on constants as written (`if v == "M":` over a VGG config list) picks
  its branch. Outside a model, a chain on a run-time option (an argparse value, an
  unknown value, a `match` on either) whose branches build different models makes
  every model reachable (run-time model selection; see `Interpreter.select_model`).
  Inside a model, an undecided `if` follows its first branch, and a later branch only
  when nothing was built before it or it builds a model of its own; when that built
  layers, the record lists it in `undecided`.
- Files that mention no framework are skipped before any libcst parse, except those that
  import a module of the project that does (a `main.py` driving `model.py` and
  `train.py`); the rest are read with `ast` for constants only (`configs`).
- Tensor plumbing (indexing, squeeze, permute, transpose, contiguous, size, matmul) is
  not a layer. `x.view(b, -1)`/`x.reshape(b, -1)`/`torch.flatten`/`x.flatten()` is
  Flatten; other view/reshape calls are Reshape. `a + b` of two tensors is Add,
  `a * b` of two tensors Multiply, `torch.cat` Concatenate.
- A project class (nn.Module / keras Model or Layer subclass) used inside another model
  is expanded in place when it builds known layers, and kept as one layer named after
  the class when it does not; such component classes are not separate records. A model
  class never instantiated anywhere is still a record. A class defined inside a function
  or method body (`class Net(nn.Module)` in `main()`) is a model class where that body
  runs, and its methods read the function's names, as a closure would.
- A model called on the batches of a training DataLoader (`for x, y in
  tqdm(train_loader): out = model(x)`) has that loader's batch size, wherever the loader
  was made (a shared training function in a notebook that compares models, a data
  module): a loop over a test loader, or an evaluation script, says nothing of training.
- `global args` in one function, read in another, is the module's name.
- `getattr(optim, "Adam")`, `getattr(nn, cfg["activation"])`: a library's member named
  by a known string (a literal, a config or settings-file value, an option's default) is
  that member; a name chosen at run time stays unknown.
- Pretrained backbones are one `Pretrained` layer with args `name` (e.g. "resnet18",
  "bert-base-uncased", a TF Hub handle) and `trainable` when the code sets it (or
  freezes its parameters). A layer assigned to a head attribute (`model.fc = ...`,
  `model.classifier[6] = ...`) follows the backbone as a new head; one assigned to any
  other attribute (`backbone.conv1 = ...`) changes the backbone inside and is not listed.
- Unresolved layer arguments are left out of `args`; unresolved hyperparameters are
  kept with `how: "expression"` and the source text as value.
"""

from __future__ import annotations

from exnet.extract.project import ExtractResult, extract_path, extract_project

__all__ = ["ExtractResult", "extract_path", "extract_project"]
