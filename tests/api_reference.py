#!/usr/bin/env python3
"""Checks docs/api.md against the public names declared in include/.

A public name is one a user can spell: a name declared in namespace ctgrad or in a nested
namespace that is not `detail` (ctgrad::literals, ctgrad::print_precedence), the public members of
the public classes there (see MEMBER RULES below), and the CTGRAD_* macros a user defines or uses.
Internal by rule: namespace `detail` at any depth, headers under include/ctgrad/detail/ for macros,
and any name containing `detail` or `internal`.

An ENTRY in docs/api.md is either
  - a Markdown heading (`##` to `####`) holding code spans: `### \`evaluate\``,
    `### \`sgd\`, \`sgd_options\``; each span documents the name it starts with, or
  - a table row whose first cell holds code spans: `| \`sgd_options::lr\` | ... |`.
A span starting with `.` names a member of the entity of the nearest heading above that holds a
code span: under `### \`training_options\``, the row `| \`.epochs\` | ... |` documents
`training_options::epochs`. In a span, `ctgrad::` is dropped, and the name ends at the first
character that cannot continue it (`param<"w", 8>` documents `param`; `literals::operator""_c` and
`literals::_c` both document the literal). Operators are documented as `operator+`, `operator<<`.

Stale: an entry naming nothing declared in include/, and a code span naming a repository file
(`tests/...`, `docs/...`, `include/...`, `bench/...`; globs allowed) that does not exist, so that
the pointers to tests and examples stay true when files move.

Usage:
  api_reference.py [--root DIR]      check; exit 1 listing names without an entry and stale entries
  api_reference.py --list            print every public name with the header declaring it
  api_reference.py --skeleton        print a draft entry (from the /// comment) for each missing name
  api_reference.py --self-test       run the enumerator and the checker on fixtures in this file

Standard library only, so that it runs wherever Python 3 does; it takes well under a second.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field

# ---------------------------------------------------------------------------------------------
# Reading C++: comments and literals out, preprocessor lines apart, then tokens.


@dataclass
class Source:
    text: str  # comments and literal contents blanked, lengths kept (so offsets map to lines)
    doc: dict  # line number -> the /// comment text ending just above it
    macros_defined: list  # (name, line)
    macros_tested: list  # (name, line): CTGRAD_* names in #if / #ifdef / #ifndef / defined()


def strip(text: str) -> Source:
    """Blanks comments and the contents of string and character literals, keeping newlines;
    removes preprocessor lines, recording the macros they define and test."""
    out = []
    doc: dict = {}
    pending_doc: list = []
    i, n = 0, len(text)
    line = 1
    at_line_start = True
    macros_defined, macros_tested = [], []
    while i < n:
        c = text[i]
        if c == "\n":
            out.append(c)
            line += 1
            i += 1
            at_line_start = True
            continue
        if at_line_start and c in " \t":
            out.append(c)
            i += 1
            continue
        if at_line_start and c == "#":
            # a directive, with its continuation lines
            j = i
            while True:
                k = text.find("\n", j)
                if k < 0:
                    k = n
                if k > 0 and text[k - 1] == "\\" and k < n:
                    j = k + 1
                    continue
                break
            directive = text[i:k]
            m = re.match(r"#\s*define\s+([A-Za-z_]\w*)", directive)
            if m:
                macros_defined.append((m.group(1), line))
            elif re.match(r"#\s*(if|ifdef|ifndef|elif)\b", directive):
                for name in re.findall(r"\b(CTGRAD_\w+)", directive):
                    macros_tested.append((name, line))
            blank = re.sub(r"[^\n]", " ", directive)
            out.append(blank)
            line += directive.count("\n")
            i = k
            continue
        at_line_start = False
        if text.startswith("///<", i):  # a trailing comment documents its own line
            k = text.find("\n", i)
            k = n if k < 0 else k
            doc[line] = text[i + 4:k].strip()
            out.append(" " * (k - i))
            i = k
            continue
        if text.startswith("///", i) and not text.startswith("////", i):
            k = text.find("\n", i)
            k = n if k < 0 else k
            pending_doc.append(text[i + 3:k].strip())
            out.append(" " * (k - i))
            i = k
            # the comment belongs to the next line that is not itself a /// line
            nxt = text[k + 1:k + 200].lstrip(" \t")
            if not nxt.startswith("///"):
                doc[line + 1] = " ".join(pending_doc)
                pending_doc = []
            continue
        if text.startswith("//", i):
            k = text.find("\n", i)
            k = n if k < 0 else k
            out.append(" " * (k - i))
            i = k
            continue
        if text.startswith("/*", i):
            k = text.find("*/", i + 2)
            k = n if k < 0 else k + 2
            chunk = text[i:k]
            out.append(re.sub(r"[^\n]", " ", chunk))
            line += chunk.count("\n")
            i = k
            continue
        if c == "R" and text.startswith('R"', i):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            if m:
                end = text.find(")" + m.group(1) + '"', i)
                end = n if end < 0 else end + len(m.group(1)) + 2
                chunk = text[i:end]
                out.append('""' + re.sub(r"[^\n]", " ", chunk[2:]))
                line += chunk.count("\n")
                i = end
                continue
        if c == '"' or (c == "'" and not (i > 0 and text[i - 1].isalnum())):
            # a literal; a ' after a digit or letter is a digit separator (1'000)
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (j - i - 1) + c)
            i = j + 1
            continue
        out.append(c)
        i += 1
    return Source("".join(out), doc, macros_defined, macros_tested)


TOKEN = re.compile(
    r"""(?P<id>[A-Za-z_]\w*)
      | (?P<num>\.?\d(?:[\w.']|[eEpP][+-])*)
      | (?P<str>"[^"\n]*"|'[^'\n]*')
      | (?P<punct>::|->|\.\.\.|<<=|>>=|<=>|<<|&&|\|\||==|!=|<=|>=|\+\+|--|[-+*/%^&|~!=<>,;:?.(){}\[\]])
    """,
    re.VERBOSE,
)


@dataclass
class Token:
    text: str
    line: int


def tokenize(text: str) -> list:
    tokens = []
    line = 1
    pos = 0
    for m in TOKEN.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        tokens.append(Token(m.group(0), line))
    return tokens


# ---------------------------------------------------------------------------------------------
# Declarations


@dataclass
class Name:
    qualified: str  # as documented: `evaluate`, `literals::operator""_c`, `sgd_options::lr`
    header: str  # include/ctgrad/runtime/evaluate.hpp
    line: int
    kind: str  # namespace, class, alias, concept, function, variable, enumerator, macro
    doc: str = ""
    definition: bool = True  # False for a forward declaration
    also: list = field(default_factory=list)  # other headers declaring it (overloads)


CLASS_KEYS = {"struct", "class", "union"}
SKIPPED_PARENS = {"decltype", "alignas", "noexcept", "explicit", "sizeof", "static_assert",
                  "requires", "alignof", "typeid", "__attribute__"}
INTERNAL = re.compile(r"detail|internal", re.IGNORECASE)


def balanced(tokens, i, open_, close):
    """The index just past the bracket that closes tokens[i] (an `open_`)."""
    depth = 0
    while i < len(tokens):
        t = tokens[i].text
        if t == open_:
            depth += 1
        elif t == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


def skip_angles(tokens, i):
    """The index past the `>` closing the `<` at tokens[i], counting only outside brackets."""
    depth = 0
    while i < len(tokens):
        t = tokens[i].text
        if t in "([{":
            i = balanced(tokens, i, t, {"(": ")", "[": "]", "{": "}"}[t])
            continue
        if t == "<":
            depth += 1
        elif t == ">":
            depth -= 1
        elif t == ">>":
            depth -= 2
        if depth <= 0 and t in (">", ">>"):
            return i + 1
        i += 1
    return i


def skip_attributes(tokens, i):
    while i + 1 < len(tokens) and tokens[i].text == "[" and tokens[i + 1].text == "[":
        i = balanced(tokens, i, "[", "]")
    return i


def skip_constraint(tokens, i):
    """Past a requires-clause's constraint starting at tokens[i] (after `requires`)."""
    while i < len(tokens):
        while i < len(tokens) and tokens[i].text == "!":
            i += 1
        if tokens[i].text == "requires":  # a requires-expression: requires (params) { ... }
            i += 1
            if tokens[i].text == "(":
                i = balanced(tokens, i, "(", ")")
            if tokens[i].text == "{":
                i = balanced(tokens, i, "{", "}")
        elif tokens[i].text == "(":
            i = balanced(tokens, i, "(", ")")
        else:
            if tokens[i].text == "::":
                i += 1
            while i < len(tokens) and (re.match(r"\w", tokens[i].text) or tokens[i].text == "::"):
                i += 1
            if i < len(tokens) and tokens[i].text == "<":
                i = skip_angles(tokens, i)
        if i < len(tokens) and tokens[i].text in ("&&", "||"):
            i += 1
            continue
        return i
    return i


@dataclass
class Scope:
    prefix: str  # "" for ctgrad itself, "literals::", "sgd_options::"
    public: bool  # False inside detail namespaces (everything below is skipped)
    is_class: bool = False
    access_public: bool = True
    class_name: str = ""


class Parser:
    def __init__(self, header: str, source: Source, names: list):
        self.header = header
        self.tokens = tokenize(source.text)
        self.lines = source.text.split("\n")
        self.doc = source.doc
        self.names = names

    def add(self, name, scope, tok, kind, definition=True):
        if not scope.public or not (not scope.is_class or scope.access_public):
            return
        if INTERNAL.search(name):
            return
        # the /// comment above the declaration, over its template header and attributes
        ln = tok.line
        while ln not in self.doc and ln > 1 and re.match(
                r"\s*(template\b|requires\b|\[\[|struct\s*\[\[)", self.lines[ln - 2]):
            ln -= 1
        doc = self.doc.get(ln, self.doc.get(tok.line, ""))
        self.names.append(Name(scope.prefix + name, self.header, tok.line, kind, doc, definition))

    def run(self):
        self.parse_scope(0, None)

    def parse_scope(self, i, scope):
        """Parses declarations from tokens[i] to the `}` closing the scope; returns the index
        past it. scope None is the file scope, outside namespace ctgrad."""
        toks = self.tokens
        while i < len(toks):
            t = toks[i].text
            if t == "}":
                return i + 1
            if t == ";":
                i += 1
                continue
            i = self.declaration(i, scope)
        return i

    def declaration(self, i, scope):
        toks = self.tokens
        t = toks[i].text
        # access labels
        if scope is not None and scope.is_class and t in ("public", "private", "protected") \
                and i + 1 < len(toks) and toks[i + 1].text == ":":
            scope.access_public = t == "public"
            return i + 2
        if t == "inline" and i + 1 < len(toks) and toks[i + 1].text == "namespace":
            i += 1
            t = "namespace"
        if t == "namespace":
            return self.namespace(i, scope)
        if t == "extern" and i + 1 < len(toks) and toks[i + 1].text.startswith('"'):
            i += 2
            if toks[i].text == "{":
                return self.parse_scope(i + 1, scope)
            return self.declaration(i, scope)
        # template headers
        while i < len(toks) and toks[i].text == "template":
            i += 1
            if i < len(toks) and toks[i].text == "<":
                i = skip_angles(toks, i)
        if i < len(toks) and toks[i].text == "requires":
            i = skip_constraint(toks, i + 1)
        i = skip_attributes(toks, i)
        if i < len(toks) and toks[i].text == "friend":
            # a friend is found through its class (operators mostly): not a name of its own
            return self.skip_declaration(i)
        t = toks[i].text if i < len(toks) else ";"
        if t == "static_assert":
            return self.skip_declaration(i)
        if t == "using":
            j = i + 1
            if toks[j].text == "namespace":
                return self.skip_declaration(i)
            if toks[j + 1].text == "=" or toks[j + 1].text == "[":
                self.add(toks[j].text, scope, toks[j], "alias")
            else:  # `using std::sqrt;` at namespace scope makes ctgrad::sqrt a name (in a
                # class, `using base::base;` inherits constructors: not a name of its own)
                k = j
                while k < len(toks) and toks[k].text != ";":
                    k += 1
                last = toks[k - 1]
                if scope is not None and re.match(r"[A-Za-z_]", last.text) and not scope.is_class:
                    self.add(last.text, scope, last, "alias")
            return self.skip_declaration(i)
        if t == "concept":
            self.add(toks[i + 1].text, scope, toks[i + 1], "concept")
            return self.skip_declaration(i)
        if t in ("typedef",):
            j = i
            name = None
            while toks[j].text != ";":
                if toks[j].text == "(" and toks[j + 1].text in ("*", "&") \
                        and re.match(r"[A-Za-z_]", toks[j + 2].text):
                    name = name or toks[j + 2]  # typedef void (*handler)(const char*);
                j += 1
            name = name or toks[j - 1]
            self.add(name.text, scope, name, "alias")
            return j + 1
        if t == "enum":
            return self.enum(i, scope)
        # struct / class / union: a definition, a forward declaration or a specialization
        j = i
        while j < len(toks) and toks[j].text in ("constexpr", "inline", "static", "const",
                                                  "volatile", "typename"):
            j += 1
        if j < len(toks) and toks[j].text in CLASS_KEYS:
            return self.class_(j, scope)
        return self.simple(i, scope)

    def namespace(self, i, scope):
        toks = self.tokens
        i += 1
        parts = []
        while toks[i].text not in ("{", "="):
            if toks[i].text not in ("::", "inline"):
                parts.append(toks[i])
            i += 1
        if toks[i].text == "=":  # an alias
            if parts:
                self.add(parts[0].text, scope, parts[0], "namespace alias")
            while toks[i].text != ";":
                i += 1
            return i + 1
        inner = scope
        for p in parts:
            if inner is None:
                inner = Scope("", p.text == "ctgrad")
                continue
            public = inner.public and p.text != "detail" and not INTERNAL.search(p.text)
            if public:
                self.add(p.text, inner, p, "namespace")
            inner = Scope(inner.prefix + p.text + "::", public)
        if not parts:  # an anonymous namespace: internal linkage, nothing public
            inner = Scope("", False)
        return self.parse_scope(i + 1, inner)

    def enum(self, i, scope):
        toks = self.tokens
        i += 1
        if toks[i].text in ("class", "struct"):
            i += 1
        i = skip_attributes(toks, i)
        name = toks[i]
        if re.match(r"[A-Za-z_]", name.text):
            self.add(name.text, scope, name, "enum")
        while toks[i].text not in ("{", ";"):
            i += 1
        if toks[i].text == ";":
            return i + 1
        end = balanced(toks, i, "{", "}")
        if scope is not None:
            inner = Scope(scope.prefix + name.text + "::", scope.public and (
                not scope.is_class or scope.access_public))
            expect = True
            for k in range(i + 1, end - 1):
                tk = toks[k]
                if expect and re.match(r"[A-Za-z_]", tk.text):
                    self.add(tk.text, inner, tk, "enumerator")
                    expect = False
                elif tk.text == ",":
                    expect = True
        while toks[end].text != ";":
            end += 1
        return end + 1

    def class_(self, i, scope):
        toks = self.tokens
        key = toks[i].text
        i = skip_attributes(toks, i + 1)
        if not re.match(r"[A-Za-z_]", toks[i].text):  # an anonymous struct
            name = None
        else:
            name = toks[i]
            i += 1
        # a qualified name (`struct outer::inner {`) defines a member elsewhere declared
        qualified = i < len(toks) and toks[i].text == "::"
        if i < len(toks) and toks[i].text == "<":
            i = skip_angles(toks, i)
        in_bases = False
        while i < len(toks) and toks[i].text not in ("{", ";"):
            if toks[i].text == ":":
                in_bases = True
            elif toks[i].text == "(" and not in_bases:  # `struct s f(...)`: a return type
                return self.simple(i - 1, scope)
            elif toks[i].text == "(":
                i = balanced(toks, i, "(", ")")
                continue
            elif toks[i].text == "<":
                i = skip_angles(toks, i)
                continue
            i += 1
        if name is not None and not qualified:
            self.add(name.text, scope, name, "class", definition=toks[i].text == "{")
        if toks[i].text == ";":
            return i + 1
        # the body
        if scope is None or name is None or qualified:
            i = balanced(toks, i, "{", "}")
        else:
            inner = Scope(scope.prefix + name.text + "::",
                          scope.public and (not scope.is_class or scope.access_public),
                          is_class=True, access_public=key != "class", class_name=name.text)
            i = self.parse_scope(i + 1, inner)
        # declarators after the body: `struct {...} out;`
        while i < len(toks) and toks[i].text != ";":
            i += 1
        return i + 1

    def skip_declaration(self, i):
        toks = self.tokens
        while i < len(toks):
            t = toks[i].text
            if t == ";":
                return i + 1
            if t == "{":
                i = balanced(toks, i, "{", "}")
                continue
            if t == "(":
                i = balanced(toks, i, "(", ")")
                continue
            if t == "}":
                return i
            i += 1
        return i

    def simple(self, i, scope):
        """A function or variable declaration starting at tokens[i]."""
        toks = self.tokens
        name_tok = None
        name = None
        is_function = False
        pointer = False
        qualified = False
        while i < len(toks):
            t = toks[i].text
            if t == "[" and i + 1 < len(toks) and toks[i + 1].text == "[":
                i = skip_attributes(toks, i)
                continue
            if t == "operator" and name is None:
                # operator@, operator""_x, operator(), operator[], operator new, conversions
                j = i + 1
                spelled = []
                while toks[j].text != "(" or (spelled == [] and toks[j + 1].text == ")"):
                    spelled.append(toks[j].text)
                    j += 1
                    if spelled == ["(", ")"]:
                        break
                    if spelled == ["[", "]"]:
                        break
                qualified = i > 0 and toks[i - 1].text == "::"
                name_tok = toks[i]
                name = "operator" + "".join(spelled)
                i = j
                continue
            if t == "<" and name is None and i > 0 and re.match(r"[A-Za-z_]", toks[i - 1].text):
                i = skip_angles(toks, i)
                continue
            if t == "(" and name is None and toks[i + 1].text in ("*", "&") \
                    and re.match(r"[A-Za-z_]", toks[i + 2].text) and toks[i + 3].text == ")":
                # a pointer to a function: `void (*handler)(const char*) = nullptr;`
                name_tok = toks[i + 2]
                name = name_tok.text
                qualified = False
                pointer = True
                i = balanced(toks, i, "(", ")")
                continue
            if t == "(":
                if name is None:
                    prev = toks[i - 1] if i > 0 else None
                    if prev is not None and prev.text in SKIPPED_PARENS:
                        i = balanced(toks, i, "(", ")")
                        continue
                    if prev is not None and prev.text == ">":
                        # name<args>(...): find the identifier before the template arguments
                        k, depth = i - 1, 0
                        while k >= 0:
                            if toks[k].text == ">":
                                depth += 1
                            elif toks[k].text == "<":
                                depth -= 1
                                if depth == 0:
                                    break
                            k -= 1
                        prev = toks[k - 1]
                    name_tok = prev
                    name = prev.text
                    qualified = toks[i - 2].text == "::" if i >= 2 else False
                is_function = not pointer
                i = balanced(toks, i, "(", ")")
                while i < len(toks) and toks[i].text not in ("{", ";", "=", ":"):
                    if toks[i].text == "(":
                        i = balanced(toks, i, "(", ")")
                    elif toks[i].text == "<":
                        i = skip_angles(toks, i) if re.match(r"\w", toks[i - 1].text) else i + 1
                    else:
                        i += 1
                if i < len(toks) and toks[i].text == ":" and is_function:
                    i = self.skip_initializers(i + 1)
                break
            if t in ("=", "{", ";", ",", ":"):
                if name is None:
                    k = i - 1
                    if toks[k].text == ">":  # a variable template specialization `v<...> = `
                        depth = 0
                        while k >= 0:
                            if toks[k].text == ">":
                                depth += 1
                            elif toks[k].text == "<":
                                depth -= 1
                                if depth == 0:
                                    break
                            k -= 1
                        k -= 1
                    if toks[k].text == "]":  # an array: `T name[N]`
                        while toks[k].text != "[":
                            k -= 1
                        k -= 1
                    name_tok = toks[k]
                    name = name_tok.text
                    qualified = k >= 1 and toks[k - 1].text == "::"
                break
            i += 1
        if name is not None and not qualified and re.match(r"[A-Za-z_]", name):
            in_class = scope is not None and scope.is_class
            destructor = toks[self.tokens.index(name_tok) - 1].text == "~"
            if not (in_class and (name == scope.class_name or destructor)):
                # (constructors and destructors are documented with their class)
                self.add(name, scope, name_tok, "function" if is_function else "variable",
                         definition=not is_function or self.has_body(i))
        # the rest: a body, an initializer, more declarators
        while i < len(toks):
            t = toks[i].text
            if t == ";":
                return i + 1
            if t == "{":
                i = balanced(toks, i, "{", "}")
                if is_function:
                    return i
                continue
            if t == "(":
                i = balanced(toks, i, "(", ")")
                continue
            if t == "}":
                return i
            i += 1
        return i

    def has_body(self, i):
        """True when the declaration continuing at tokens[i] has a body or `= default`."""
        toks = self.tokens
        while i < len(toks) and toks[i].text not in (";", "{", "}"):
            if toks[i].text == "(":
                i = balanced(toks, i, "(", ")")
                continue
            i += 1
        return i < len(toks) and toks[i].text == "{"

    def skip_initializers(self, i):
        toks = self.tokens
        while i < len(toks):
            while toks[i].text not in ("(", "{"):
                if toks[i].text == "<":
                    i = skip_angles(toks, i)
                else:
                    i += 1
            close = ")" if toks[i].text == "(" else "}"
            i = balanced(toks, i, toks[i].text, close)
            if toks[i].text == ",":
                i += 1
                continue
            return i
        return i


# ---------------------------------------------------------------------------------------------
# MEMBER RULES: which members of public classes are public names.
#
# Kept: data members and member functions a user writes after `.` (`opts.epochs`,
# `result.stop`, `opt.step(params, g)`, `pool.size()`), and static members read through the type
# (`shape<8>::size`). Left out: constructors, destructors and operators (documented with the
# class), type aliases inside classes (`value_type`, `params_type`: the class entry names the
# type), and the members of operation tags (`exp_op`, `pointwise_operation`, ...): those form the
# operation protocol, documented once in the entry for `pointwise_operation`.

OPERATION_TAG = re.compile(r"(_op|_operation)$")


def class_path(qualified: str) -> list:
    """The classes a name is a member of, outermost first ([] at namespace scope)."""
    parts = qualified.split("::")
    k = 0
    while k < len(parts) - 1 and "::".join(parts[:k + 1]) in NAMESPACES:
        k += 1
    return parts[k:-1]


def keep_member(n: Name) -> bool:
    owners = class_path(n.qualified)
    member = n.qualified.rpartition("::")[2]
    if not owners:
        return True
    if any(OPERATION_TAG.search(p) for p in owners):
        return False
    if member.startswith("operator") or n.kind == "alias":
        return False
    if member.startswith("ctgrad_"):  # ctgrad_expression_tag: how `expression` recognizes types
        return False
    return True


NAMESPACES: set = set()


def enumerate_names(include_dir: str) -> list:
    names: list = []
    macro_tests: list = []
    defined: set = set()
    for dirpath, dirnames, filenames in os.walk(include_dir):
        dirnames.sort()
        for f in sorted(filenames):
            if not f.endswith((".hpp", ".h", ".hh", ".hxx")):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, os.path.dirname(include_dir.rstrip("/")))
            with open(path, encoding="utf-8") as fh:
                source = strip(fh.read())
            in_detail_dir = "/detail/" in "/" + os.path.relpath(path, include_dir).replace(
                os.sep, "/")
            for macro, line in source.macros_defined:
                defined.add(macro)
                if macro.startswith("CTGRAD_") and not in_detail_dir \
                        and not INTERNAL.search(macro) and not macro.endswith("_HPP"):
                    names.append(Name(macro, rel, line, "macro", source.doc.get(line, "")))
            for macro, line in source.macros_tested:
                macro_tests.append(Name(macro, rel, line, "macro (set by the user)",
                                        source.doc.get(line, "")))
            Parser(rel, source, names).run()
    # a CTGRAD_ macro tested but defined by no header is one the user sets (-DCTGRAD_...)
    for n in macro_tests:
        if n.qualified not in defined and not INTERNAL.search(n.qualified):
            names.append(n)
    NAMESPACES.clear()
    NAMESPACES.update(n.qualified for n in names if n.kind == "namespace")
    # One name per spelling: where it is defined and documented, in preference to a forward
    # declaration; the other headers that declare it (overloads) are listed with it.
    by_name: dict = {}
    for n in names:
        if keep_member(n):
            by_name.setdefault(n.qualified, []).append(n)
    unique = []
    for qualified, decls in by_name.items():
        stem = qualified.split("::")[-1]
        best = max(decls, key=lambda d: (d.definition, bool(d.doc),
                                         os.path.basename(d.header) == stem + ".hpp"))
        best.also = sorted({d.header for d in decls} - {best.header})
        unique.append(best)
    return sorted(unique, key=lambda n: (n.header, n.line))


# ---------------------------------------------------------------------------------------------
# Reading docs/api.md

SPAN = re.compile(r"(`+)(.+?)\1")
FENCE = re.compile(r"^ {0,3}(`{3,}(?=[^`]*$)|~{3,})(.*)$")
NAME_IN_SPAN = re.compile(
    r"""^(?:ctgrad::)?
        (?P<name>(?:[A-Za-z_]\w*::)*
                 (?:operator\s*(?:""\s*[A-Za-z_]\w*|\(\)|\[\]|[^\w\s(]+)|[A-Za-z_]\w*))""",
    re.VERBOSE,
)


def normalize(name: str) -> str:
    name = re.sub(r"\s+", "", name)
    # a literal operator may be written operator""_c or _c
    m = re.match(r'^(.*?)(?:operator"")?(_[A-Za-z]\w*)$', name)
    if m and (name.startswith("_") or 'operator""' in name or "::_" in name):
        return m.group(1) + 'operator""' + m.group(2)
    return name


def span_name(span: str, owner: str | None) -> str | None:
    span = span.strip()
    if span.startswith("."):
        if owner is None:
            return None
        span = owner + "::" + span[1:]
    m = NAME_IN_SPAN.match(span)
    if not m:
        return None
    return normalize(m.group("name"))


def cells(row: str) -> list:
    """The cells of a table row, splitting on | outside code spans."""
    out, cur, i = [], "", 0
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    while i < len(row):
        if row[i] == "`":
            m = SPAN.match(row, i)
            if m:
                cur += m.group(0)
                i = m.end()
                continue
        if row[i] == "|":
            out.append(cur)
            cur = ""
        else:
            cur += row[i]
        i += 1
    if cur.strip():
        out.append(cur)
    return out


def documented_names(markdown: str) -> dict:
    """name -> line of its entry."""
    found: dict = {}
    owner = None
    fence = None  # the opening fence while inside a fenced block
    for number, line in enumerate(markdown.splitlines(), 1):
        # CommonMark: up to 3 spaces, 3 or more ` or ~; a ` fence's info string has no `
        # (so a line starting with a code span such as ```` ```cpp ```` is not a fence)
        m = FENCE.match(line)
        if m and fence is None:
            fence = m.group(1)
            continue
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) \
                    and not m.group(2).strip():
                fence = None
            continue
        heading = re.match(r"^(#{2,4})\s+(.*)$", line)
        if heading:
            spans = [s.group(2) for s in SPAN.finditer(heading.group(2))]
            names = [span_name(s, owner) for s in spans]
            names = [n for n in names if n]
            if names:
                owner = names[0]
                for n in names:
                    found.setdefault(n, number)
            continue
        if re.match(r"^\s*\|", line) and not re.match(r"^\s*\|[\s:|-]*$", line):
            row = cells(line)
            if not row:
                continue
            first = row[0].strip()
            spans = [s.group(2) for s in SPAN.finditer(first)]
            # the first cell must be code spans only (and separators), not prose with a span
            rest = SPAN.sub("", first)
            if spans and re.fullmatch(r"[\s,/]*", rest):
                for s in spans:
                    n = span_name(s, owner)
                    if n:
                        found.setdefault(n, number)
    return found


PATH_SPAN = re.compile(r"^(?:tests|docs|include|bench)/[\w./*-]+$")


def missing_files(markdown: str, root: str) -> list:
    """(line, path) for each code span naming a file of the repository that does not exist:
    the pointers to tests and examples stay true when files move."""
    import glob

    out = []
    for number, line in enumerate(markdown.splitlines(), 1):
        for m in SPAN.finditer(line):
            path = m.group(2).strip()
            if PATH_SPAN.match(path) and not glob.glob(os.path.join(root, path)):
                out.append((number, path))
    return out


def check(root: str, api_path: str | None = None) -> tuple:
    include = os.path.join(root, "include")
    api_path = api_path or os.path.join(root, "docs", "api.md")
    names = enumerate_names(include)
    with open(api_path, encoding="utf-8") as fh:
        markdown = fh.read()
    entries = documented_names(markdown)
    public = {normalize(n.qualified): n for n in names}
    missing = [n for key, n in public.items() if key not in entries]
    stale = sorted((line, key) for key, line in entries.items() if key not in public)
    stale += [(line, path) for line, path in missing_files(markdown, root)]
    return names, missing, stale


def skeleton(missing: list) -> str:
    """Draft entries for the missing names, from their /// comments: a heading per name at
    namespace scope, and members in a table under their class's heading."""
    todo = "TODO: what it does, what it throws, a test or example showing it."
    out = []
    members: dict = {}
    for n in missing:
        owners = class_path(n.qualified)
        if owners:
            members.setdefault(n.qualified.rsplit("::", 1)[0], []).append(n)
    done = set()
    for n in missing:
        owner = n.qualified.rsplit("::", 1)[0] if class_path(n.qualified) else None
        key = owner or n.qualified
        if key in done:
            continue
        done.add(key)
        if owner is None:
            out.append(f"### `{n.qualified}`\n\n{n.doc or todo} Header: `{n.header}`.\n")
        else:
            out.append(f"### `{owner}` (members; the class's own entry may exist already)\n")
        rows = members.get(key, [])
        if rows:
            out.append("| member | |\n|---|---|")
            out.extend(f"| `.{m.qualified.rsplit('::', 1)[1]}` | {m.doc or todo} |" for m in rows)
            out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Self-test: the enumerator on a fixture header, and the checker on a fixture page.

FIXTURE_HEADER = r'''
#pragma once
/// \file
#define CTGRAD_FIXTURE_MACRO 1
#define CTGRAD_DETAIL_HELPER(x) x
#if defined(CTGRAD_FIXTURE_OPTION)
#endif
namespace ctgrad {
namespace detail { struct hidden {}; inline int helper() { return 1; } }
/// A documented struct.
template <class T, int N = (3 > 2)>
struct [[nodiscard("why")]] options {
  double lr = 1e-3;  // "a string with a } brace"
  bool flag{false};
  void set(double v) noexcept { lr = v; if (v > 0) { flag = true; } }
  options() = default;
  options& operator=(const options&) = default;
  using value_type = T;
  static constexpr int size = N;
 private:
  int secret_ = 0;
};
class widget {
  int hidden_member;
 public:
  explicit widget(int n) : hidden_member(n), other{n} {}
  int other;
  [[nodiscard]] int count() const { return other; }
};
template <class T>
requires(sizeof(T) > 1) [[nodiscard]] constexpr auto twice(T t) noexcept { return t + t; }
template <class U, class V>
requires detail::hidden<U, V>
auto operator+(const U&, const V&) noexcept { return 0; }
template <class C, class E>
requires requires(C& os) { os.write("", 0); }
C& operator<<(C& os, const E&) { return os; }
template <class T> concept small = sizeof(T) < 4;
template <class T> inline constexpr bool is_small_v = small<T>;
template <> inline constexpr bool is_small_v<double> = false;
using handle = int;
enum class colour { red, green = 2 };
struct tag_op { static constexpr int precedence = 1; };
namespace literals {
consteval int operator""_k(unsigned long long) { return 1; }
}
namespace ctgrad_internal { int nope; }
template <std::size_t K> constexpr auto pick(int) noexcept;
template <std::size_t K> constexpr auto pick(int) noexcept { return K; }
constexpr auto options<int>::undocumented_out_of_line() noexcept {}
inline int counter = [] { struct local { int x; }; return 0; }();
int undocumented_function(int a, int b);
using handler = void (*)(const char*);
typedef void (*old_handler)(const char*);
inline void (*current_handler)(const char*) = nullptr;
[[noreturn]] void fail(const char* message) noexcept(false);
}  // namespace ctgrad
namespace ctgrad::detail { int also_hidden; }
namespace other { int not_ours; }
'''

FIXTURE_EXPECTED = {
    "CTGRAD_FIXTURE_MACRO", "CTGRAD_FIXTURE_OPTION", "options", "options::lr", "options::flag",
    "options::set", "options::size", "widget", "widget::other", "widget::count", "twice",
    "operator+", "operator<<", "small", "is_small_v", "handle", "colour", "colour::red", "colour::green",
    "tag_op", "literals", 'literals::operator""_k', "pick", "counter", "undocumented_function",
    "handler", "old_handler", "current_handler", "fail",
}

FIXTURE_PAGE = """# API

### `options<T, N>`

| member | |
|---|---|
| `.lr`, `.flag` | fields |
| `.set(v)` | a setter |
| `options::size` | N |

### `widget`, `widget::other`
### `widget::count()`
### `twice(t)`, `operator+`, `operator<<`
| `small<T>` / `is_small_v<T>` | a concept and its trait |
| `handle` | an alias |
| prose with `colour` in it | not an entry: the first cell is prose |
### `colour`, `colour::red`, `colour::green`
### `tag_op`
### `literals::_k`, `literals`
### `pick<K>(i)`
### `CTGRAD_FIXTURE_MACRO`, `CTGRAD_FIXTURE_OPTION`
### `handler`, `old_handler`, `current_handler`, `fail(message)`
### `gone_function`

Shown in `tests/fixture_missing.cpp`; declared in `include/ctgrad/fixture.hpp`.

```text
`undocumented_function` inside a fence is not an entry
```
```` ```cpp ```` at the start of a line is a code span, not a fence:
### `counter`
"""


def self_test() -> int:
    import tempfile

    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        inc = os.path.join(tmp, "include", "ctgrad")
        os.makedirs(os.path.join(inc, "detail"))
        with open(os.path.join(inc, "fixture.hpp"), "w") as fh:
            fh.write(FIXTURE_HEADER)
        with open(os.path.join(inc, "detail", "private.hpp"), "w") as fh:
            fh.write("#define CTGRAD_PRIVATE_MACRO 1\nnamespace ctgrad { int detail_leak; }\n")
        os.makedirs(os.path.join(tmp, "docs"))
        with open(os.path.join(tmp, "docs", "api.md"), "w") as fh:
            fh.write(FIXTURE_PAGE)
        names, missing, stale = check(tmp)
        got = {n.qualified for n in names}
        if got != FIXTURE_EXPECTED:
            failures.append(f"enumerator: unexpected {sorted(got - FIXTURE_EXPECTED)}, "
                            f"not found {sorted(FIXTURE_EXPECTED - got)}")
        doc = {n.qualified: n.doc for n in names}
        if doc.get("options") != "A documented struct.":
            failures.append(f"doc comment of options: {doc.get('options')!r}")
        where = {n.qualified: n.header for n in names}
        if where.get("twice") != os.path.join("include", "ctgrad", "fixture.hpp"):
            failures.append(f"header of twice: {where.get('twice')!r}")
        if [n.qualified for n in missing] != ["undocumented_function"]:
            failures.append(f"missing: {[n.qualified for n in missing]}, expected "
                            "['undocumented_function']")
        if sorted(name for _, name in stale) != ["gone_function", "tests/fixture_missing.cpp"]:
            failures.append(f"stale: {stale}, expected gone_function and "
                            "tests/fixture_missing.cpp")
    # the real headers: a known set of names must be among those found
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    known = {"param", "data", "evaluate", "value_and_grad", "d", "grad", "wrt", "train", "sgd",
             "sgd_options::lr", "adam", "mean", "sum", "exp", "tanh", "dot", "matvec",
             'literals::operator""_c', 'literals::operator""_i', "expression", "operator*"}
    if os.path.isdir(os.path.join(root, "include", "ctgrad")):
        real = {n.qualified for n in enumerate_names(os.path.join(root, "include"))}
        if not known <= real:
            failures.append(f"real headers: not found {sorted(known - real)}")
        leaked = sorted(n for n in real if n.startswith("detail") or "::detail" in n)
        if leaked:
            failures.append(f"real headers: detail names listed {leaked}")
    for f in failures:
        print("self-test FAILED:", f)
    if not failures:
        print("self-test passed")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    parser.add_argument("--api", help="the reference page (default ROOT/docs/api.md)")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--skeleton", action="store_true")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    if args.list:
        for n in enumerate_names(os.path.join(args.root, "include")):
            print(f"{n.header}:{n.line}: {n.kind} {n.qualified}")
        return 0
    names, missing, stale = check(args.root, args.api)
    api = os.path.relpath(args.api or os.path.join(args.root, "docs", "api.md"), args.root)
    if args.skeleton:
        print(skeleton(missing))
        return 0
    for n in missing:
        also = f" (also declared in {', '.join(n.also)})" if n.also else ""
        print(f"{n.header}:{n.line}: {n.kind} `{n.qualified}` has no entry in {api}{also}")
    for line, name in stale:
        if PATH_SPAN.match(name):
            print(f"{api}:{line}: `{name}` names no file of the repository (stale)")
        else:
            print(f"{api}:{line}: entry `{name}` names nothing declared in include/ (stale)")
    if missing or stale:
        print(f"{len(missing)} public name(s) without an entry, {len(stale)} stale entr"
              f"{'y' if len(stale) == 1 else 'ies'}, of {len(names)} public names. An entry is a "
              f"heading or a table row's first cell holding the name in a code span (see the "
              f"top of {api}); `{os.path.basename(__file__)} --skeleton` drafts the missing "
              "ones from their /// comments.")
        return 1
    print(f"{len(names)} public names, each with an entry in {api}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
