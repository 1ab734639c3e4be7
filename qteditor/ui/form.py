"""The front-matter form, built from the schema: one row per field, grouped, validated inline."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import shiboken6
from PySide6.QtCore import QDate, QEvent, QObject, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFont, QIntValidator, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QScrollBar,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.patch import coerce
from ..core.related import default_family, related_items
from ..core.schema import Field, RelatedFamily, Schema
from ..core.session import EditSession
from ..core.site import site_for
from ..core.validate import check_field
from .focus_undo import EditHistory
from .icons import icon
from .keywords import KeywordsEdit

if TYPE_CHECKING:
    from PySide6.QtGui import QWheelEvent

# a field's editing widget, how to read its value from it, and how to write a value into it
_Editor = tuple[QWidget, Callable[[], Any], Callable[[Any], None]]


def _path(key: str) -> tuple:
    return tuple(key.split("."))


def _quiet(widget: QWidget) -> list[QSignalBlocker]:
    """Block the signals of a field's editing widgets while a value is written into it. Scroll
    bars keep theirs: a text box shows or hides its bar on their rangeChanged."""
    return [QSignalBlocker(c) for c in widget.findChildren(QWidget) if not isinstance(c, QScrollBar)]


def _separate(line: QLineEdit) -> None:
    """End the line's undo step: it starts a new one when its cursor moves (there is no other
    way to say so); the cursor and selection are put back."""
    text = line.text()
    if not text:
        return
    cursor, start, length = line.cursorPosition(), line.selectionStart(), len(line.selectedText())
    with QSignalBlocker(line):
        line.setCursorPosition(1 if cursor == 0 else cursor - 1)
        if length and cursor == start:  # selected leftwards: the cursor at its start
            line.setSelection(start + length, -length)
        elif length:
            line.setSelection(start, length)
        else:
            line.setCursorPosition(cursor)


class _Row:
    """One field's widget with typed read/write and its hint line."""

    label: QLabel  # set by FormPanel._add_row once the row is in its form
    holder: QWidget  # the widget and its hint

    def __init__(
        self,
        field: Field,
        widget: QWidget,
        read: Callable[[], Any],
        write: Callable[[Any], None],
        hint: QLabel,
    ):
        self.field, self.widget, self.read, self.write, self.hint = field, widget, read, write, hint
        self.path = _path(field.key)


def _shows(row: _Row, value: Any) -> bool:
    """Whether the row's widget shows ``value`` already (writing it again would only clear the
    field's undo history)."""
    if isinstance(row.widget, QLineEdit):
        return row.widget.text() == ("" if value is None else str(value))
    try:
        return bool(row.read() == value)
    except Exception:  # noqa: BLE001 - a value its widget cannot compare: written again
        return False


class PlainField(QPlainTextEdit):
    """A few lines of plain text (descriptions): no rich text, wraps, tab moves focus."""

    def __init__(self, lines: int = 3):
        super().__init__()
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        height = self.fontMetrics().lineSpacing() * lines + 12
        self.setFixedHeight(height)


class RelatedEditor(QWidget):
    """0–5 related articles, a column each of the schema's subfields (id, title, subject, url);
    add, remove, reorder, pick, refresh."""

    changed = Signal(object)  # a list of dicts: "object" keeps their key order (QVariantMap sorts)
    pickRequested = Signal()
    refreshRequested = Signal()

    def __init__(self, limit: int = 5, family: RelatedFamily | None = None):
        super().__init__()
        self.limit = limit
        self.family = family or default_family()
        subs = self.family.subfields
        self.keys = self.family.keys
        self.table = QTableWidget(0, len(subs))
        self.table.setHorizontalHeaderLabels([s.label for s in subs])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Tab leaves the table for the next field (arrows move between cells; Tab in a cell
        # being edited still goes to the next cell): else the keyboard never gets past it
        self.table.setTabKeyNavigation(False)
        head = self.table.horizontalHeader()
        # the link as wide as it is dragged, the first other text column takes the rest
        wide = next((s.key for s in subs if s.type == "string" and s.key != self.family.link), None)
        for c, s in enumerate(subs):
            mode = QHeaderView.ResizeMode
            head.setSectionResizeMode(
                c,
                mode.Interactive
                if s.key == self.family.link
                else mode.Stretch
                if s.key == wide
                else mode.ResizeToContents,
            )
        self.table.setWordWrap(False)
        self.table.setMinimumHeight(60)
        self.table.itemChanged.connect(self._edited)
        buttons = QHBoxLayout()
        self.add_button = self._tool("add", "Add a related article", self.add)
        self.remove_button = self._tool("remove", "Remove the selected article", self.remove)
        self.up_button = self._tool("up", "Move up", lambda: self.move_row(-1))
        self.down_button = self._tool("down", "Move down", lambda: self.move_row(1))
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.pick_button = QPushButton("Pick…")
        self.pick_button.setToolTip("Search the collection (suggestions first) and add an entry")
        self.pick_button.clicked.connect(self.pickRequested)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Update id, title and subject from the linked entries")
        self.refresh_button.clicked.connect(self.refreshRequested)
        buttons.addWidget(self.pick_button)
        buttons.addWidget(self.refresh_button)
        self.empty = QLabel("No related articles yet: Pick… suggests entries like this one.")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: palette(placeholder-text);")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.table)
        lay.addWidget(self.empty)
        lay.addLayout(buttons)
        self._loading = False
        self._shown: list[dict] = []  # the items as last shown or edited: what an edit replaces
        # Edit ▸ Undo and Redo while the focus is in the table or on its buttons
        self.history = EditHistory(self._restore, self)

    def _tool(self, name: str, tip: str, slot: Callable[[], None]) -> QToolButton:
        b = QToolButton()
        b.setIcon(icon(name))
        b.setToolTip(tip)
        b.setAutoRaise(True)
        b.clicked.connect(slot)
        return b

    def set_items(self, items: list[dict]) -> None:
        """Show these items (the entry's, as loaded, merged from disk, reverted or fixed: not an
        edit of the table). Others than those shown end the table's history, as a text field's
        ends when the entry shows another value in it: an undo would drop them unseen."""
        if items != self._shown:
            self.history.clear()
        self._show(items)

    def state(self) -> list[dict]:
        """The items as shown (what an undo, once done, is redone to)."""
        return [dict(item) for item in self._shown]

    def change_to(self, items: list[dict]) -> None:
        """An edit of the list as a whole (a refresh of its snapshots): shown, undoable, emitted."""
        self.history.record(self.state())
        self._show(items)
        self.changed.emit(self.items())

    def _restore(self, items: list[dict]) -> None:
        self._show(items)
        self.changed.emit(self.items())

    def _show(self, items: list[dict]) -> None:
        self._shown = [dict(item) for item in items]
        self._loading = True
        try:
            self.table.setRowCount(len(items))
            for r, item in enumerate(items):
                for c, key in enumerate(self.keys):
                    value = item.get(key)
                    cell = QTableWidgetItem("" if value is None else str(value))
                    cell.setData(Qt.ItemDataRole.UserRole, value)
                    self.table.setItem(r, c, cell)
            rows = max(1, len(items))
            self.table.setFixedHeight(
                self.table.horizontalHeader().height()
                + 4
                + rows * self.table.verticalHeader().defaultSectionSize()
            )
        finally:
            self._loading = False
        self.table.setVisible(bool(items))
        self.empty.setVisible(not items)
        self.add_button.setEnabled(len(items) < self.limit)
        if hasattr(self, "pick_button"):
            self.pick_button.setEnabled(len(items) < self.limit)

    def items(self) -> list[dict]:
        out = []
        for r in range(self.table.rowCount()):
            item = {}
            for c, sub in enumerate(self.family.subfields):
                key = sub.key
                cell = self.table.item(r, c)
                text = cell.text() if cell else ""
                original = cell.data(Qt.ItemDataRole.UserRole) if cell else None
                if sub.type == "int":
                    try:
                        item[key] = int(text) if text.strip() else original
                    except ValueError:
                        item[key] = original if original is not None else text
                else:
                    item[key] = text
            out.append(item)
        return out

    def _edited(self, _item: QTableWidgetItem) -> None:
        if not self._loading:
            self.history.record(self.state())
            self._shown = self.items()
            self.changed.emit(self.items())

    def add(self, item: dict | None = None) -> None:
        items = self.items()
        if len(items) >= self.limit:
            return
        items.append(item or {s.key: 0 if s.type == "int" else "" for s in self.family.subfields})
        self.history.record(self.state())
        self._show(items)
        self.table.selectRow(len(items) - 1)
        self.changed.emit(items)

    def remove(self) -> None:
        row = self.table.currentRow()
        items = self.items()
        if 0 <= row < len(items):
            del items[row]
            self.history.record(self.state())
            self._show(items)
            self.changed.emit(items)

    def move_row(self, step: int) -> None:
        """Move the selected article ``step`` places (QWidget.move still moves the widget)."""
        row = self.table.currentRow()
        items = self.items()
        to = row + step
        if 0 <= row < len(items) and 0 <= to < len(items):
            items[row], items[to] = items[to], items[row]
            self.history.record(self.state())
            self._show(items)
            self.table.selectRow(to)
            self.changed.emit(items)


class FormPanel(QScrollArea):
    """Every front-matter field except the answer (which has its own editor)."""

    fieldEdited = Signal(object, object)  # path tuple, value (None removes the key)
    relatedEdited = Signal(object)
    lockToggled = Signal(bool)
    regenerateRequested = Signal()
    titlesLinkToggled = Signal(bool)

    subject_box: QComboBox  # the subject's editor, when the schema has a subject field

    def __init__(
        self, schema: Schema, parent: QWidget | None = None, later: Callable[[Callable], None] | None = None
    ):
        """``later``: where to hand work the first frame does not need (the window's
        ``after_first_paint``): the wheel guard, whose first look at a viewport makes PySide6
        build the Python types of every widget class (25 ms)."""
        super().__init__(parent)
        self.schema = schema
        self._wheel_guarded = False
        site = site_for(schema)
        self.linked = site.linked  # fields that follow the first one unless edited apart
        # the permalink: the derived fields that name the file (locked in an existing entry)
        self.permalink = tuple(
            d.key for d in site.derived if site.stem_expr and "{" + site.stem_expr + "}" in d.template
        )
        self.link_box: QCheckBox | None = None
        self.lock_button: QToolButton | None = None
        self.related: RelatedEditor | None = None  # when the schema has related articles
        self.session: EditSession | None = None
        self.rows: dict[tuple, _Row] = {}
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        self.layout_ = QVBoxLayout(inner)
        self.layout_.setContentsMargins(14, 10, 14, 14)
        self.layout_.setSpacing(6)
        self.setWidget(inner)
        self.forms: dict[str, QFormLayout] = {}
        self._build()
        if later is None:
            self._guard_wheel()
        else:

            def guard() -> None:
                if shiboken6.isValid(self):
                    self._guard_wheel()

            later(guard)

    # ------------------------------------------------------------------ building
    def _section(self, group_id: str, label: str) -> QFormLayout:
        title = QLabel(label)
        font = QFont(title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.08)
        title.setFont(font)
        title.setContentsMargins(0, 10, 0, 2)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(4)
        box = QWidget()
        box.setObjectName(f"section-{group_id}")
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(2)
        v.addWidget(title)
        v.addWidget(line)
        v.addLayout(form)
        self.layout_.addWidget(box)
        self.forms[group_id] = form
        return form

    def _build(self) -> None:
        groups = [g for g in self.schema.groups if g["id"] != "answer"]
        for g in groups:
            self._section(g["id"], g["label"])
        for f in self.schema.fields:
            if f.group == "answer" or f.type == "mapping" or f.key == self.schema.text_field:
                continue  # the text editor's field (the schema's Markdown field) is not a row
            form = self.forms.get(f.group) or self._section(f.group, f.group.title())
            if f.type == "related":
                self.related = RelatedEditor(f.repeat or 5, RelatedFamily.of(f))
                self.related.changed.connect(self.relatedEdited)
                form.addRow(self.related)
                continue
            self._add_row(form, f)
            if self.linked and f.key == self.linked[0]:
                others = [self.schema.field(k) for k in self.linked[1:]]
                names = " and ".join(
                    o.label.lower() if o else k for o, k in zip(others, self.linked[1:], strict=True)
                )
                self.link_box = QCheckBox(f"Edit {names} separately")
                self.link_box.setToolTip(
                    f"{', '.join(self.linked)} are kept equal; they follow "
                    f"the {f.label.lower()} unless you edit them apart"
                )
                self.link_box.toggled.connect(lambda on: self.titlesLinkToggled.emit(not on))
                self.link_box.toggled.connect(self._show_linked_rows)
                form.addRow("", self.link_box)
        first = self.schema.field(self.permalink[0]) if self.permalink else None
        slugs = self.forms.get(first.group) if first else None
        if slugs is not None:
            bar = QHBoxLayout()
            self.lock_button = QToolButton()
            self.lock_button.setCheckable(True)
            self.lock_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.lock_button.toggled.connect(self._lock_changed)
            self.regen_button = QPushButton(icon("refresh"), "Regenerate…")
            self.regen_button.setToolTip("Show the new file name and URL before changing anything")
            self.regen_button.clicked.connect(self.regenerateRequested)
            bar.addWidget(self.lock_button)
            bar.addWidget(self.regen_button)
            bar.addStretch(1)
            slugs.addRow("", bar)
        self.other_form = self._section("other", "Other fields")
        self.other_empty = QLabel("None: every field of this entry is in the schema.")
        self.other_empty.setStyleSheet("color: palette(placeholder-text);")
        self.other_form.addRow(self.other_empty)
        self.other_rows: list[tuple] = []
        self.other_widgets: list[QWidget] = []  # their widgets, in the same order
        self.layout_.addStretch(1)
        self._align_labels()
        self._order_tabs()

    def tab_stops(self) -> list[QWidget]:
        """The widgets Tab visits, in the order they are laid out: section by section, row by
        row, left to right in a row (hidden ones too: Tab passes over them while hidden)."""
        stops: list[QWidget] = []

        def visit(layout: QLayout) -> None:
            items: list[QLayoutItem | None]
            if isinstance(layout, QFormLayout):
                role = QFormLayout.ItemRole
                roles = (role.LabelRole, role.FieldRole, role.SpanningRole)
                items = [layout.itemAt(r, role) for r in range(layout.rowCount()) for role in roles]
            else:
                items = [layout.itemAt(i) for i in range(layout.count())]
            for item in items:
                widget = item.widget() if item is not None else None
                inner = item.layout() if item is not None else None
                if widget is not None:
                    if widget.focusProxy() is None and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
                        stops.append(widget)
                        continue
                    inner = widget.layout()  # a row's box, a section, the keywords' chips
                if inner is not None:
                    visit(inner)

        visit(self.layout_)
        return stops

    def _order_tabs(self) -> None:
        """Tab follows the form top to bottom (widgets made later, an entry's own fields'
        rows, would otherwise come last, after the answer)."""
        stops = self.tab_stops()
        for a, b in zip(stops, stops[1:], strict=False):
            QWidget.setTabOrder(a, b)

    def _align_labels(self) -> None:
        """One label column across all sections."""
        labels = [row.label for row in self.rows.values()]
        width = max((lab.sizeHint().width() for lab in labels), default=0)
        for form in self.forms.values():
            for r in range(form.rowCount()):
                item = form.itemAt(r, QFormLayout.ItemRole.LabelRole)
                label = item.widget() if item is not None else None
                if label is not None:
                    label.setMinimumWidth(width)

    def _hint(self) -> QLabel:
        hint = QLabel()
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #9a6700; font-size: 9pt;")
        hint.hide()
        return hint

    def _add_row(self, form: QFormLayout, f: Field) -> None:
        widget, read, write = self._editor_for(f)
        if f.help:
            widget.setToolTip(f.help)
        hint = self._hint()
        holder = QWidget()
        v = QVBoxLayout(holder)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(1)
        v.addWidget(widget)
        v.addWidget(hint)
        label = QLabel(f.label + ("" if not f.required else ""))
        label.setBuddy(widget)
        form.addRow(label, holder)
        row = _Row(f, widget, read, write, hint)
        row.label = label
        row.holder = holder
        self.rows[row.path] = row

    def _emit(self, path: tuple, value: Any) -> None:
        self.fieldEdited.emit(path, value)
        self.validate(path)

    def _editor_for(self, f: Field) -> _Editor:
        """The widget that edits a field, and how to read and write its value: by the field's
        type, the subject (when it is not of one of those) a list, any other a line."""
        path = _path(f.key)
        by_type = {
            "text": self._text_editor,
            "bool": self._bool_editor,
            "date": self._date_editor,
            "keywords": self._keywords_editor,
        }
        make = by_type.get(f.type) or (self._subject_editor if f.key == "subject" else self._line_editor)
        return make(f, path)

    def _text_editor(self, f: Field, path: tuple) -> _Editor:
        """A text box with a character count (the recommended length, when the schema has one)."""
        text = PlainField(4)
        text.setPlaceholderText(f.placeholder)
        counter = QLabel()
        counter.setStyleSheet("color: palette(placeholder-text); font-size: 9pt;")
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(1)
        v.addWidget(text)
        v.addWidget(counter, alignment=Qt.AlignmentFlag.AlignRight)

        def count() -> None:
            n = len(text.toPlainText())
            lo, hi = f.recommended_min, f.recommended_max
            counter.setText(f"{n} / {lo}–{hi}" if lo and hi else f"{n} characters")
            counter.setToolTip(f"Search engines show about {lo}–{hi} characters" if lo else "")

        text.textChanged.connect(count)
        text.textChanged.connect(lambda: self._emit(path, text.toPlainText()))

        def write_text(v: Any) -> None:
            text.setPlainText("" if v is None else str(v))
            count()

        box.setFocusProxy(text)
        return box, text.toPlainText, write_text

    def _bool_editor(self, f: Field, path: tuple) -> _Editor:
        """A check box; unchecked reads as false only when the file had the field, else as absent."""
        check = QCheckBox()

        def read_bool() -> bool | None:
            if check.isChecked():
                return True
            saved = self.session.saved_fields if self.session else {}
            return False if f.key in saved else None

        check.toggled.connect(lambda _on: self._emit(path, read_bool()))
        return check, read_bool, lambda v: check.setChecked(bool(v))

    def _date_editor(self, f: Field, path: tuple) -> _Editor:
        """A date box with a calendar."""
        date = QDateEdit()
        date.setCalendarPopup(True)
        date.setDisplayFormat("yyyy-MM-dd")

        def read_date() -> dt.date:
            q = date.date()
            return dt.date(q.year(), q.month(), q.day())

        def write_date(v: Any) -> None:
            if isinstance(v, dt.date):
                date.setDate(QDate(v.year, v.month, v.day))

        date.dateChanged.connect(lambda _d: self._emit(path, read_date()))
        return date, read_date, write_date

    def _keywords_editor(self, f: Field, path: tuple) -> _Editor:
        """A tag list over the field's text (its separator between the keywords)."""
        keywords = KeywordsEdit(f.separator or ", ")
        if f.placeholder:
            keywords.input.setPlaceholderText(f.placeholder)
        keywords.changed.connect(lambda text: self._emit(path, text))
        return keywords, keywords.text, keywords.set_text

    def _subject_editor(self, f: Field, path: tuple) -> _Editor:
        """An editable list of the collection's subjects (``set_subjects`` fills it)."""
        combo = QComboBox()
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        typed = combo.lineEdit()
        assert typed is not None  # an editable combo box has its line edit
        typed.setPlaceholderText(f.placeholder)
        typed.textEdited.connect(lambda t: self._emit(path, t))
        combo.activated.connect(lambda _i: self._emit(path, combo.currentText()))
        self.subject_box = combo

        def write_subject(v: Any) -> None:
            combo.setEditText("" if v is None else str(v))

        return combo, combo.currentText, write_subject

    def _line_editor(self, f: Field, path: tuple) -> _Editor:
        """A one-line box; an int or float field's accepts only a number."""
        line = QLineEdit()
        line.setClearButtonEnabled(f.type in ("string", "keywords"))
        read: Callable[[], Any] = line.text
        if f.type == "int":
            line.setValidator(QIntValidator())

            def read_int() -> int | None:
                try:
                    return int(line.text())
                except ValueError:
                    return None

            read = read_int
        elif f.type == "float":
            line.setValidator(QRegularExpressionValidator(r"-?\d*(\.\d*)?([eE]-?\d+)?"))

            def read_float() -> float | None:
                try:
                    return float(line.text())
                except ValueError:
                    return None

            read = read_float
        line.setPlaceholderText(f.placeholder)
        line.textEdited.connect(lambda _t: self._emit(path, read()))

        def write_line(v: Any) -> None:
            line.setText("" if v is None else str(v))
            line.setCursorPosition(0)

        return line, read, write_line

    # ------------------------------------------------------------------ the wheel
    def _guard_wheel(self) -> None:
        """The wheel scrolls the form, not a text box, list or value it passes over; a box the
        user has clicked into (focus) takes the wheel itself."""
        self._wheel_guarded = True
        inner = self.widget()
        assert inner is not None  # __init__ set it; the form never takes it out
        for area in inner.findChildren(QAbstractScrollArea):
            area.viewport().installEventFilter(self)
        for box in inner.findChildren(QComboBox) + inner.findChildren(QAbstractSpinBox):
            box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # no focus by the wheel
            box.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget):
            wheel = cast("QWheelEvent", event)  # a Wheel event is one (its type loads on first use)
            owner: QWidget = watched
            parent = watched.parentWidget()
            if not isinstance(watched, (QComboBox, QAbstractSpinBox)) and isinstance(
                parent, QAbstractScrollArea
            ):
                owner = parent  # the viewport of a text box or table
            if not owner.hasFocus():
                bar = self.verticalScrollBar()
                if not wheel.pixelDelta().isNull():  # a touchpad: pixels
                    bar.setValue(bar.value() - wheel.pixelDelta().y())
                else:
                    lines = wheel.angleDelta().y() / 120 * QApplication.wheelScrollLines()
                    bar.setValue(bar.value() - round(lines * bar.singleStep()))
                return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ data in
    def load(self, session: EditSession) -> None:
        another = session is not self.session
        self.session = session
        for path, row in self.rows.items():
            if not another and _shows(row, session.get(path)):
                continue  # (the same entry again, after a save: the field keeps its undo history)
            with QSignalBlocker(row.widget):
                blockers = _quiet(row.widget)
                row.write(session.get(path))
                del blockers
        if self.link_box is not None:
            with QSignalBlocker(self.link_box):
                self.link_box.setChecked(not session.titles_linked)
            self._show_linked_rows(not session.titles_linked)
        if self.lock_button is not None:
            with QSignalBlocker(self.lock_button):
                self.lock_button.setChecked(session.locked)
            self._lock_changed(session.locked, emit=False)
        if self.related is not None:
            self.related.set_items([dict(v) for _k, v in related_items(session.fields, self.related.family)])
            if another:  # the table's undo steps were of the entry before
                self.related.history.clear()
        self._load_other(session, keep=not another)
        self._order_tabs()
        self.validate()
        if another:  # another entry, or a new one, starts at the top (the title in view)
            self.verticalScrollBar().setValue(0)
            self.horizontalScrollBar().setValue(0)

    def end_undo_steps(self) -> None:
        """A save ends the undo step being typed in every field: the next undo takes back only
        what is typed after it (typing is otherwise one step until the cursor moves)."""
        inner = self.widget()
        assert inner is not None  # __init__ set it; the form never takes it out
        for line in inner.findChildren(QLineEdit):
            _separate(line)
        for text in inner.findChildren(QPlainTextEdit):
            text.document().setModified(False)  # typing merges into one step only while modified

    def refresh(self, paths: list[tuple]) -> None:
        """Show new values of fields changed by something other than their own widget."""
        for path in paths:
            row = self.rows.get(tuple(path))
            if row is None or self.session is None:
                continue
            if row.widget.hasFocus() and ".".join(path) not in self.permalink:
                continue
            with QSignalBlocker(row.widget):
                blockers = _quiet(row.widget)
                row.write(self.session.get(path))
                del blockers
            self.validate(tuple(path))

    def set_subjects(self, subjects: list[str]) -> None:
        if getattr(self, "subject_box", None) is None:
            return  # a schema without a subject
        current = self.subject_box.currentText()
        with QSignalBlocker(self.subject_box):
            self.subject_box.clear()
            self.subject_box.addItems(sorted(set(subjects), key=str.lower))
            self.subject_box.setEditText(current)

    def _show_linked_rows(self, separate: bool) -> None:
        for key in self.linked[1:]:
            row = self.rows.get((key,))
            if row is not None:
                row.label.setVisible(separate)
                row.holder.setVisible(separate)

    def _lock_changed(self, locked: bool, emit: bool = True) -> None:
        if self.lock_button is None:
            return
        self.lock_button.setIcon(icon("lock" if locked else "unlock"))
        self.lock_button.setText("Locked" if locked else "Follows title")
        self.lock_button.setToolTip(
            "Locked: a published URL is a permalink; file name and URL stay as they are"
            if locked
            else "Unlocked: file name, URL and SEO title follow the title and subject"
        )
        for key in self.permalink:
            row = self.rows.get(tuple(key.split(".")))
            # a permalink field is a string (a line edit); a date edit locks the same way
            if row is not None and isinstance(row.widget, (QLineEdit, QDateEdit)):
                row.widget.setReadOnly(locked)
        if emit:
            self.lockToggled.emit(locked)

    # ------------------------------------------------------------------ unknown fields
    def _load_other(self, session: EditSession, keep: bool = False) -> None:
        """The fields outside the schema, each as a line or JSON text (``keep``: the same entry
        again, after a save: rows that show their values stay, with their undo history)."""
        unknown = [k for k in session.fields if self.schema.field(str(k)) is None]
        if (
            keep
            and [(k,) for k in unknown] == self.other_rows
            and all(
                _other_shows(w, session.fields[k]) for k, w in zip(unknown, self.other_widgets, strict=True)
            )
        ):
            return
        while self.other_form.rowCount() > 1:
            self.other_form.removeRow(1)
        self.other_rows = []
        self.other_widgets = []
        self.other_empty.setVisible(not unknown)
        for key in unknown:
            value = session.fields[key]
            path = (key,)
            w: QWidget
            if isinstance(value, (dict, list)):
                text = PlainField(4)
                text.setPlainText(_as_json(value))
                text.setToolTip("Edited as JSON; applied when the text is valid JSON")

                def apply_json(w: PlainField = text, path: tuple = path) -> None:
                    try:
                        self._emit(path, json.loads(w.toPlainText()))
                        w.setStyleSheet("")
                    except json.JSONDecodeError:
                        w.setStyleSheet("border: 1px solid #cf222e;")

                text.textChanged.connect(apply_json)
                w = text
            else:
                line = QLineEdit(_as_line(value))
                line.setToolTip(f"{type(value).__name__} value; kept as that type when possible")

                def apply_text(
                    _t: str, w: QLineEdit = line, path: tuple = path, original: Any = value
                ) -> None:
                    try:
                        self._emit(path, coerce(original, w.text(), None, path, from_text=True))
                        w.setStyleSheet("")
                    except Exception:  # noqa: BLE001 - shown as a red border, never raised
                        w.setStyleSheet("border: 1px solid #cf222e;")

                line.textEdited.connect(apply_text)
                w = line
            self.other_form.addRow(QLabel(str(key)), w)
            self.other_rows.append(path)
            self.other_widgets.append(w)
        if unknown and self._wheel_guarded:  # else the guard, still to come, covers them
            self._guard_wheel()

    # ------------------------------------------------------------------ validation
    def validate(self, only: tuple | None = None) -> dict[tuple, str]:
        """Warnings from the schema (required, lengths, pattern) — the core's own check, the one
        ``qteditor check`` reports (``validate.check_field``). They never block saving."""
        problems: dict[tuple, str] = {}
        if self.session is None:
            return problems
        for path, row in self.rows.items():
            if only is not None and path != only:
                continue
            finding = check_field(row.field, self.session.get(path))
            message = finding.hint if finding is not None else ""
            row.hint.setText(message)
            row.hint.setVisible(bool(message))
            if message:
                problems[path] = message
        return problems

    def first_widget(self) -> QWidget | None:
        """The first field's widget (where a new entry's typing starts)."""
        for row in self.rows.values():
            return row.widget
        return None

    def widget_for(self, path: tuple) -> QWidget | None:
        row = self.rows.get(tuple(path))
        return row.widget if row else None


def _as_json(value: Any) -> str:
    """A field outside the schema holding a mapping or a list, as the form shows it."""
    return json.dumps(value, ensure_ascii=False, indent=1, default=str)


def _as_line(value: Any) -> str:
    """A field outside the schema holding one value, as the form shows it."""
    return "" if value is None else (value.isoformat() if isinstance(value, dt.date) else str(value))


def _other_shows(widget: QWidget, value: Any) -> bool:
    """Whether a row of a field outside the schema shows ``value`` as it would be shown anew."""
    if isinstance(widget, QLineEdit):
        return not isinstance(value, (dict, list)) and widget.text() == _as_line(value)
    if isinstance(widget, QPlainTextEdit):
        return isinstance(value, (dict, list)) and widget.toPlainText() == _as_json(value)
    return False
