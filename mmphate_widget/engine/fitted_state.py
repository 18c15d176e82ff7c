"""The fitted state of ``MMPHATE``, described once.

:data:`FITTED_STATE` has one row per fitted attribute: its name, how the estimator holds it, its
dtype, its shape in the tensor's dimensions (:data:`DIMENSIONS`), the ``.npz`` keys that ``save``
writes it under, whether every fitted model has it, and what it means. Everything else reads this
table: ``fit`` and ``MMPHATE.from_fitted`` check their attributes with :func:`check_state`, ``save``
writes :func:`to_arrays`, ``load`` reads :func:`from_arrays`, and the table of fitted attributes in
``docs/how-it-works.md`` is :func:`markdown_table` (``tests/test_fitted_state.py`` keeps them equal).

This module knows nothing of the estimator or of files.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

__all__ = [
    "DIMENSIONS",
    "FITTED_STATE",
    "FittedAttribute",
    "check_array",
    "check_state",
    "dimensions",
    "from_arrays",
    "key_groups",
    "markdown_table",
    "missing_attributes",
    "required_keys",
    "stored_dimensions",
    "stored_keys",
    "to_arrays",
]

#: The symbols that shapes are written in.
DIMENSIONS: dict[str, str] = {
    "E": "recorded epochs",
    "T": "time steps per epoch",
    "U": "hidden units",
    "S": "trace samples",
    "N": "nodes, E * T * U",
    "n_components": "embedding dimensions (the parameter)",
    "C": "label classes, the length of class_names_",
    "M": "metrics, the number of curves in metrics_",
}

#: How an attribute is held, each with its own way of being stored.
ARRAY = "array"  # an ndarray, stored as it is
SCALAR = "scalar"  # a Python int or float, stored as a 0-d array
NAMES = "names"  # a list of str, stored as a unicode array
DIMENSION = "dimension"  # a Python int, one of the four entries of the stored "shape" array
METRICS = "metrics"  # a dict of name -> (E,) array, stored as a name array and a value matrix
CSR = "csr"  # a scipy CSR matrix, stored as its data, indices, indptr and shape

_KINDS = {"float64": "f", "int64": "iu", "str": "U"}
_KIND_NAMES = {"float64": "floats", "int64": "integers", "str": "strings"}


@dataclass(frozen=True)
class FittedAttribute:
    """One fitted attribute of ``MMPHATE``.

    Attributes
    ----------
    name : str
        The attribute, ending in ``_``.
    form : str
        How the estimator holds it: ``"array"``, ``"scalar"``, ``"names"``, ``"dimension"``,
        ``"metrics"`` or ``"csr"`` (see the module constants).
    dtype : {"float64", "int64", "str"}
        The dtype of its values; loading casts integers and floats to it.
    shape : tuple of str or int
        In the symbols of :data:`DIMENSIONS`; ``()`` for a scalar.
    keys : tuple of str
        The ``.npz`` keys it is saved under; empty when it is recomputed from the others (``derive``).
    meaning : str
        One line for the docs.
    required : bool
        False when it may be None (then it is left out of the file).
    group : str or None
        Optional attributes of one group are all set or all None, and saved together.
    minimum : int or None
        The smallest value a scalar may take.
    class_codes : bool
        Its values index ``class_names_``.
    dimension : str
        For the ``"dimension"`` form, the symbol it sets (``"E"``, ``"T"``, ``"U"`` or ``"S"``).
    derive : callable or None
        For an attribute that is not saved: computes it from the others.
    """

    name: str
    form: str
    dtype: str
    shape: tuple[str | int, ...]
    keys: tuple[str, ...]
    meaning: str
    required: bool = True
    group: str | None = None
    minimum: int | None = None
    class_codes: bool = False
    dimension: str = ""
    derive: Callable[[Mapping[str, Any]], Any] | None = field(default=None, repr=False, compare=False)


def _nodes(state: Mapping[str, Any]) -> np.ndarray:
    return np.arange(state["n_epochs_"] * state["n_steps_"] * state["n_units_"], dtype=np.int64)


FITTED_STATE: tuple[FittedAttribute, ...] = (
    FittedAttribute(
        "embedding_", ARRAY, "float64", ("N", "n_components"), ("embedding",), "the MM-PHATE embedding"
    ),
    FittedAttribute(
        "kernel_",
        CSR,
        "float64",
        ("N", "N"),
        ("kernel_data", "kernel_indices", "kernel_indptr", "kernel_shape"),
        "the affinity PHATE diffused on: the multislice kernel less the entries below `thresh`, "
        "which graphtools removes as it does for the reference; None after `load` unless "
        "saved with `include_kernel=True`",
        required=False,
    ),
    FittedAttribute("t_", SCALAR, "int64", (), ("t",), "the diffusion time used", minimum=1),
    FittedAttribute(
        "intrastep_entropy_",
        ARRAY,
        "float64",
        ("E", "T"),
        ("intrastep_entropy",),
        "entropy of the unit positions within each slice",
    ),
    FittedAttribute(
        "interstep_entropy_",
        ARRAY,
        "float64",
        ("U", "E"),
        ("interstep_entropy",),
        "entropy of each unit's T positions within each epoch",
    ),
    FittedAttribute(
        "unit_clusters_", ARRAY, "int64", ("U",), ("unit_clusters",), "cluster id per unit, 0 = most active"
    ),
    FittedAttribute(
        "n_clusters_",
        SCALAR,
        "int64",
        (),
        (),
        'number of clusters (the chosen one with `n_clusters="auto"`)',
        derive=lambda s: int(s["unit_clusters_"].max()) + 1,
    ),
    FittedAttribute(
        "cluster_stability_",
        SCALAR,
        "float64",
        (),
        ("cluster_stability",),
        "mean adjusted Rand index of 50 bootstrap re-clusterings with the full one, in [0, 1]; "
        "None after `load` of a file saved before it existed",
        required=False,
        group="stability",
    ),
    FittedAttribute(
        "unit_cluster_confidence_",
        ARRAY,
        "float64",
        ("U",),
        ("unit_cluster_confidence",),
        "per unit, the fraction of the replicates drawing it in which it stays in its cluster",
        required=False,
        group="stability",
    ),
    FittedAttribute(
        "epoch_",
        ARRAY,
        "int64",
        ("N",),
        (),
        "per node, the epoch index (not the epoch number)",
        derive=lambda s: _nodes(s) // (s["n_steps_"] * s["n_units_"]),
    ),
    FittedAttribute(
        "step_",
        ARRAY,
        "int64",
        ("N",),
        (),
        "per node, the time step",
        derive=lambda s: (_nodes(s) // s["n_units_"]) % s["n_steps_"],
    ),
    FittedAttribute(
        "unit_", ARRAY, "int64", ("N",), (), "per node, the unit", derive=lambda s: _nodes(s) % s["n_units_"]
    ),
    FittedAttribute(
        "epochs_", ARRAY, "int64", ("E",), ("epochs",), "the user's epoch numbers (default 0..E-1)"
    ),
    FittedAttribute("unit_names_", NAMES, "str", ("U",), ("unit_names",), 'default `"unit 0"`, ...'),
    FittedAttribute(
        "labels_",
        ARRAY,
        "int64",
        ("S",),
        ("labels",),
        "per-sample class labels as given (codes 0..C-1)",
        required=False,
        group="labels",
        class_codes=True,
    ),
    FittedAttribute(
        "class_names_",
        NAMES,
        "str",
        ("C",),
        ("class_names",),
        "names of the label classes, in code order",
        required=False,
        group="labels",
    ),
    FittedAttribute(
        "node_top_label_",
        ARRAY,
        "int64",
        ("N",),
        ("node_top_label",),
        "per node, the label code whose samples have the highest mean activation",
        required=False,
        group="labels",
        class_codes=True,
    ),
    FittedAttribute("n_epochs_", DIMENSION, "int64", (), ("shape",), "E, the recorded epochs", dimension="E"),
    FittedAttribute(
        "n_steps_", DIMENSION, "int64", (), ("shape",), "T, the time steps per epoch", dimension="T"
    ),
    FittedAttribute("n_units_", DIMENSION, "int64", (), ("shape",), "U, the hidden units", dimension="U"),
    FittedAttribute("n_samples_", DIMENSION, "int64", (), ("shape",), "S, the trace samples", dimension="S"),
    FittedAttribute(
        "metrics_",
        METRICS,
        "float64",
        ("M", "E"),
        ("metric_names", "metric_values"),
        "optional per-epoch training curves",
        required=False,
    ),
)

_BY_NAME = {attr.name: attr for attr in FITTED_STATE}
_DIMENSION_ATTRIBUTES = tuple(attr for attr in FITTED_STATE if attr.form == DIMENSION)
_STORED = tuple(attr for attr in FITTED_STATE if attr.keys and attr.form != DIMENSION)


def stored_keys() -> tuple[str, ...]:
    """Every ``.npz`` key of the fitted state, in table order."""
    return tuple(dict.fromkeys(key for attr in FITTED_STATE for key in attr.keys))


def required_keys() -> tuple[str, ...]:
    """The keys that every result file has."""
    return tuple(dict.fromkeys(key for attr in FITTED_STATE if attr.required for key in attr.keys))


def key_groups() -> tuple[tuple[str, ...], ...]:
    """Keys of optional attributes that are saved together or not at all."""
    groups: dict[str, list[str]] = {}
    for attr in FITTED_STATE:
        if not attr.required and attr.keys:
            groups.setdefault(attr.group or attr.name, []).extend(attr.keys)
    return tuple(tuple(keys) for keys in groups.values())


def missing_attributes(model: Any) -> list[str]:
    """The attributes that every fitted model has and ``model`` lacks (none when it is fitted)."""
    return [attr.name for attr in FITTED_STATE if attr.required and not hasattr(model, attr.name)]


# --------------------------------------------------------------------------------------------
# Checking arrays


def _shape_text(shape: tuple[int | str | None, ...]) -> str:
    """numpy's shape notation."""
    inner = ", ".join(str(n) for n in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def check_array(
    label: str,
    value: Any,
    dtype: str,
    shape: tuple[str | int, ...],
    dims: dict[str, int] | None = None,
    *,
    holder: str,
    context: str = "",
) -> np.ndarray:
    """``value`` as an array of ``dtype``, if its dtype kind and shape are the described ones.

    Parameters
    ----------
    label : str
        Names the value in the error.
    dtype : {"float64", "int64", "str"}
        Integers and floats of any width are cast to it; other kinds are an error.
    shape : tuple of int or str
        Symbols are looked up in ``dims``; one not there yet is set from ``value`` (so that
        ``class_names_`` sets ``C`` for ``labels_``).
    holder : str
        Who writes or holds the described array, for the error ("save() writes").
    context : str
        Appended to the error, e.g. the dimensions in force.

    Raises
    ------
    ValueError
        ``"{label} holds {dtype} of shape {shape}, where {holder} {kind} of shape {expected}"``.
    """
    dims = {} if dims is None else dims
    arr = np.asarray(value)
    if arr.ndim == len(shape):
        for symbol, length in zip(shape, arr.shape, strict=True):
            if isinstance(symbol, str) and symbol not in dims:
                dims[symbol] = length
    expected = tuple(dims.get(s) if isinstance(s, str) else s for s in shape)
    if arr.dtype.kind in _KINDS[dtype] and arr.shape == expected:
        return arr if dtype == "str" else arr.astype(dtype, copy=False)
    symbolic = f" = {_shape_text(shape)}" if any(isinstance(s, str) for s in shape) else ""
    expected_text = _shape_text(tuple(s if n is None else n for s, n in zip(shape, expected, strict=True)))
    raise ValueError(
        f"{label} holds {arr.dtype} of shape {arr.shape}, where {holder} {_KIND_NAMES[dtype]} of shape "
        f"{expected_text}{symbolic}{context}"
    )


@dataclass(frozen=True)
class _Reading:
    """Where the arrays come from, for the errors: a result file or a model's attributes."""

    holder: str
    whole: str
    from_file: bool

    def label(self, attr: FittedAttribute, key: str) -> str:
        if self.from_file:
            return key
        return attr.name if len(attr.keys) == 1 else f"{attr.name} ({key})"

    def context(self, dims: Mapping[str, int]) -> str:
        return (
            f" ({self.whole}'s dimensions: {dims['E']} epochs x {dims['T']} steps x {dims['U']} units x "
            f"{dims['S']} samples, n_components={dims['n_components']})"
        )


_FILE = _Reading("save() writes", "the file", from_file=True)
_MODEL = _Reading("a fitted MMPHATE holds", "the model", from_file=False)


def _decode(attr: FittedAttribute, arrays: Mapping[str, Any], dims: dict[str, int], reading: _Reading) -> Any:
    """The attribute's value from its stored arrays, each checked against the description."""
    context = reading.context(dims)

    def check(key: str, dtype: str, shape: tuple[str | int, ...]) -> np.ndarray:
        return check_array(
            reading.label(attr, key), arrays[key], dtype, shape, dims, holder=reading.holder, context=context
        )

    if attr.form == CSR:
        return _decode_csr(attr, arrays, dims, reading, check)
    if attr.form == METRICS:
        names = check(attr.keys[0], "str", attr.shape[:1])
        values = check(attr.keys[1], attr.dtype, attr.shape)
        return {str(name): row for name, row in zip(names, values, strict=True)}
    arr = check(attr.keys[0], attr.dtype, attr.shape)
    if attr.form == NAMES:
        return [str(name) for name in arr]
    if attr.form == SCALAR:
        value = arr.item()
        if attr.minimum is not None and value < attr.minimum:
            raise ValueError(f"{reading.label(attr, attr.keys[0])}={value} must be >= {attr.minimum}")
        return value
    return arr


def _decode_csr(
    attr: FittedAttribute,
    arrays: Mapping[str, Any],
    dims: dict[str, int],
    reading: _Reading,
    check: Callable[[str, str, tuple[str | int, ...]], np.ndarray],
) -> sparse.csr_matrix:
    data_key, indices_key, indptr_key, shape_key = attr.keys
    shape = check(shape_key, "int64", (2,))
    expected = [dims[s] if isinstance(s, str) else s for s in attr.shape]
    if shape.tolist() != expected:
        raise ValueError(
            f"{reading.label(attr, shape_key)} is {shape.tolist()}, but {reading.whole} has {dims['N']} nodes"
        )
    data = np.asarray(arrays[data_key])
    if data.dtype.kind not in _KINDS[attr.dtype]:
        raise ValueError(
            f"{reading.label(attr, data_key)} holds {data.dtype}, where {reading.holder} "
            f"{_KIND_NAMES[attr.dtype]}"
        )
    try:
        parts = (data.astype(attr.dtype, copy=False), arrays[indices_key], arrays[indptr_key])
        matrix = sparse.csr_matrix(parts, shape=tuple(expected))
        matrix.check_format(full_check=True)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"its {attr.name.rstrip('_')} is not a valid CSR matrix ({exc})") from exc
    return matrix


def _check_groups(
    present: Callable[[str], bool], groups: tuple[tuple[str, ...], ...], reading: _Reading
) -> None:
    for group in groups:
        have = [name for name in group if present(name)]
        if have and len(have) < len(group):
            lacking = ", ".join(name for name in group if not present(name))
            if reading.from_file:
                raise ValueError(f"it has {', '.join(have)} but lacks {lacking}")
            raise ValueError(
                f"{', '.join(have)} {'is' if len(have) == 1 else 'are'} set but {lacking} "
                f"{'is' if len(group) - len(have) == 1 else 'are'} None: {', '.join(group)} are "
                "set together or all None"
            )


def _check_class_codes(state: Mapping[str, Any], reading: _Reading) -> None:
    names = _BY_NAME["class_names_"]
    if state.get(names.name) is None:
        return
    n_classes = len(state[names.name])
    for attr in FITTED_STATE:
        codes = state.get(attr.name)
        if not attr.class_codes or codes is None or not codes.size:
            continue
        if not 0 <= codes.min() <= codes.max() < n_classes:
            label, names_label = reading.label(attr, attr.keys[0]), reading.label(names, names.keys[0])
            raise ValueError(
                f"{label} holds class codes outside 0..{n_classes - 1} ({n_classes} {names_label})"
            )


def _with_dimensions(dims: Mapping[str, int], n_components: int) -> dict[str, int]:
    return {**dims, "N": dims["E"] * dims["T"] * dims["U"], "n_components": int(n_components)}


# --------------------------------------------------------------------------------------------
# Result files: the stored arrays


def stored_dimensions(arrays: Mapping[str, Any]) -> dict[str, int]:
    """E, T, U and S from the stored ``shape`` array.

    Raises
    ------
    ValueError
        Naming the problem, when it is not 4 integers >= 1.
    """
    key = _DIMENSION_ATTRIBUTES[0].keys[0]
    values = check_array(key, arrays[key], "int64", (len(_DIMENSION_ATTRIBUTES),), holder=_FILE.holder)
    if np.any(values < 1):
        names = ", ".join(attr.name for attr in _DIMENSION_ATTRIBUTES)
        raise ValueError(f"its dimensions {values.tolist()} ({names}) must be >= 1")
    return {attr.dimension: int(v) for attr, v in zip(_DIMENSION_ATTRIBUTES, values, strict=True)}


def from_arrays(arrays: Mapping[str, Any], n_components: int) -> dict[str, Any]:
    """The saved fitted attributes (the derived ones aside) from the arrays of a result file.

    Optional attributes whose keys are absent are None. Every array is checked against the
    description and the saved dimensions first, so that a damaged file never builds a model whose
    arrays disagree with each other.

    Raises
    ------
    ValueError
        Naming the key and the problem.
    """
    missing = [key for key in required_keys() if key not in arrays]
    if missing:
        raise ValueError(f"it lacks {', '.join(missing)}")
    dims = _with_dimensions(stored_dimensions(arrays), n_components)
    _check_groups(lambda key: key in arrays, key_groups(), _FILE)
    state: dict[str, Any] = {attr.name: dims[attr.dimension] for attr in _DIMENSION_ATTRIBUTES}
    for attr in _STORED:
        state[attr.name] = _decode(attr, arrays, dims, _FILE) if attr.keys[0] in arrays else None
    _check_class_codes(state, _FILE)
    return state


def to_arrays(state: Mapping[str, Any], leave_out: Collection[str] = ()) -> dict[str, np.ndarray]:
    """The arrays that a result file holds for ``state``, keyed as :data:`FITTED_STATE` says.

    Attributes that are None, an empty ``metrics_`` and those in ``leave_out`` are not written.
    """
    arrays: dict[str, np.ndarray] = {}
    shape_key = _DIMENSION_ATTRIBUTES[0].keys[0]
    arrays[shape_key] = np.array([int(state[attr.name]) for attr in _DIMENSION_ATTRIBUTES], dtype=np.int64)
    for attr in _STORED:
        value = state.get(attr.name)
        if value is None or attr.name in leave_out or (attr.form == METRICS and not value):
            continue
        arrays.update(_encode(attr, value))
    return arrays


def _encode(attr: FittedAttribute, value: Any, n_epochs: int = 0) -> dict[str, np.ndarray]:
    """The stored arrays of one attribute's value (unchecked: :func:`_decode` checks them)."""
    if attr.form == CSR:
        if not sparse.issparse(value):
            raise ValueError(f"{attr.name} must be a scipy.sparse matrix or None; got {type(value).__name__}")
        matrix = sparse.csr_matrix(value)
        parts = (matrix.data, matrix.indices, matrix.indptr, np.array(matrix.shape))
        return dict(zip(attr.keys, parts, strict=True))
    if attr.form == METRICS:
        if not isinstance(value, Mapping):
            raise ValueError(
                f"{attr.name} must be a dict of curve name to per-epoch values or None; "
                f"got {type(value).__name__}"
            )
        rows = [np.asarray(row) for row in value.values()]
        if len({row.shape for row in rows}) > 1:
            raise ValueError(
                f"{attr.name} holds curves of shapes {[row.shape for row in rows]}, where "
                f"{_MODEL.holder} one value per epoch in each"
            )
        values = np.stack(rows) if rows else np.empty((0, n_epochs))
        return dict(zip(attr.keys, (np.array([str(name) for name in value], dtype=str), values), strict=True))
    if attr.form == NAMES:
        return {attr.keys[0]: np.array([str(name) for name in value], dtype=str)}
    return {attr.keys[0]: np.asarray(value)}


# --------------------------------------------------------------------------------------------
# A model's attributes


def dimensions(attributes: Mapping[str, Any]) -> dict[str, int]:
    """E, T, U and S from the ``n_epochs_``, ``n_steps_``, ``n_units_`` and ``n_samples_`` given.

    Raises
    ------
    ValueError
        When one is missing or is not an integer >= 1.
    """
    missing = [attr.name for attr in _DIMENSION_ATTRIBUTES if attributes.get(attr.name) is None]
    if missing:
        raise ValueError(f"the fitted state lacks {', '.join(missing)}: the tensor's dimensions are required")
    dims: dict[str, int] = {}
    for attr in _DIMENSION_ATTRIBUTES:
        value = attributes[attr.name]
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{attr.name}={value!r} must be an integer >= 1 ({DIMENSIONS[attr.dimension]})")
        dims[attr.dimension] = int(value)
    return dims


def check_state(attributes: Mapping[str, Any], n_components: int) -> dict[str, Any]:
    """The complete fitted state from the saved attributes: checked, cast, and the derived ones added.

    Parameters
    ----------
    attributes : mapping of str to object
        Every attribute of :data:`FITTED_STATE` that has ``keys`` (the derived ones are computed
        here); optional ones may be None or left out.
    n_components : int
        The embedding's width.

    Returns
    -------
    dict
        Every attribute of :data:`FITTED_STATE`, in table order, with the described dtype
        (Python ``int``/``float`` for scalars, ``list[str]`` for names).

    Raises
    ------
    ValueError
        Naming the attribute, its shape and dtype and the expected ones, when one is missing,
        unknown, derived, of the wrong dtype or shape, or when a group is half set.
    """
    unexpected = [name for name in attributes if name not in _BY_NAME or not _BY_NAME[name].keys]
    if unexpected:
        raise ValueError(
            f"unexpected fitted attribute(s) {', '.join(unexpected)}: give only "
            f"{', '.join(attr.name for attr in FITTED_STATE if attr.keys)} (the others are computed)"
        )
    missing = [attr.name for attr in _STORED if attr.required and attributes.get(attr.name) is None]
    if missing:
        raise ValueError(f"the fitted state lacks {', '.join(missing)}")
    dims = _with_dimensions(dimensions(attributes), n_components)
    groups = {}
    for attr in _STORED:
        if not attr.required:
            groups.setdefault(attr.group or attr.name, []).append(attr.name)
    _check_groups(lambda name: attributes.get(name) is not None, tuple(map(tuple, groups.values())), _MODEL)
    state: dict[str, Any] = {attr.name: dims[attr.dimension] for attr in _DIMENSION_ATTRIBUTES}
    for attr in _STORED:
        value = attributes.get(attr.name)
        if value is not None:
            value = _decode(attr, _encode(attr, value, dims["E"]), dims, _MODEL)
        state[attr.name] = value
    _check_class_codes(state, _MODEL)
    for attr in FITTED_STATE:
        if attr.derive is not None:
            state[attr.name] = attr.derive(state)
    return {attr.name: state[attr.name] for attr in FITTED_STATE}


# --------------------------------------------------------------------------------------------
# The docs


def _held_as(attr: FittedAttribute) -> str:
    if attr.form in (SCALAR, DIMENSION):
        text = "int" if attr.dtype == "int64" else "float"
    elif attr.form == NAMES:
        text = f"list[str] of length {attr.shape[0]}"
    elif attr.form == METRICS:
        text = f"dict[str, {_shape_text(attr.shape[1:])} {attr.dtype}] of {attr.shape[0]} curves"
    else:
        text = f"{_shape_text(attr.shape)} {attr.dtype}{' CSR' if attr.form == CSR else ''}"
    return text if attr.required else f"{text} or None"


def markdown_table() -> str:
    """The table of fitted attributes in ``docs/how-it-works.md``."""
    rows = ["| attribute | shape / dtype | saved as | meaning |", "| --- | --- | --- | --- |"]
    for attr in FITTED_STATE:
        saved = ", ".join(f"`{key}`" for key in attr.keys) if attr.keys else "not saved (recomputed)"
        if attr.form == DIMENSION:
            saved = f"`{attr.keys[0]}[{_DIMENSION_ATTRIBUTES.index(attr)}]`"
        meaning = attr.meaning
        partners = [other.name for other in FITTED_STATE if attr.group and other.group == attr.group]
        if len(partners) > 1:
            meaning += f" (set together with {', '.join(f'`{p}`' for p in partners if p != attr.name)})"
        rows.append(f"| `{attr.name}` | {_held_as(attr)} | {saved} | {meaning} |")
    return "\n".join(rows)
