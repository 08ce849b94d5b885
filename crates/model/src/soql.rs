//! A small, tolerant SOQL (and SOSL `RETURNING`) parser: which objects a
//! query reads, through which relationships.
//!
//! It understands what apps write in Mule operations: `SELECT` lists with
//! field paths (`Account.Owner.Name`), aliases (`FROM Contact c`, `c.Name`,
//! `FROM Contact AS c`), functions (`COUNT(Id)`, `toLabel(Status)`,
//! `FIELDS(ALL)`), child sub-queries (`(SELECT Id FROM Contacts)`, whose
//! FROM is a child relationship name), semi-joins (`WHERE Id IN (SELECT
//! AccountId FROM Contact)`, whose FROM is an object), `TYPEOF What WHEN
//! Account THEN ... END`, bind variables (`:id`), Mule 3 `dsql:` prefixes,
//! DataWeave-wrapped queries (`#["SELECT ..."]`), `${...}` / `$(...)` /
//! `#[...]` interpolations, string literals with escapes, and `/* */`,
//! `//` and `--` comments (not SOQL, but found in templates).
//!
//! Object names are not validated against a schema: relationship names are
//! reported as written, and [`relationship_target`] /
//! [`child_relationship_target`] guess the object by convention.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::dedup::keep_first_by_key;

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SoqlQuery {
    /// The FROM object (or, in a child sub-query, the child relationship
    /// name).
    pub object: String,
    pub alias: Option<String>,
    /// Field paths selected or filtered on, alias (or object name) prefix
    /// removed: `Name`, `Account.Owner.Name`.
    pub fields: Vec<String>,
    /// Relationship paths traversed (field paths without their last
    /// segment, plus TYPEOF fields): `Account`, `Account.Owner`, `What`.
    pub relationships: Vec<String>,
    /// `TYPEOF x WHEN Account THEN ...`: the object types named.
    pub typeof_objects: Vec<String>,
    /// The polymorphic relationships of a `TYPEOF` without `ELSE` (`What`):
    /// only the types it names are read through them.
    pub typeof_closed: Vec<String>,
    /// Child sub-queries in the SELECT list (`object` is the child
    /// relationship name, e.g. `Contacts`).
    pub child_queries: Vec<SoqlQuery>,
    /// Semi-join and anti-join sub-queries in WHERE (`object` is an object).
    pub semi_joins: Vec<SoqlQuery>,
    /// Further `FROM` entries of the old relationship syntax
    /// (`FROM Contact c, c.Account a`): relationship paths.
    pub from_relationships: Vec<String>,
    /// Bind variables (`:name`), without the colon.
    pub binds: Vec<String>,
    /// `FOR UPDATE` (locks records: needs edit).
    pub for_update: bool,
    /// A SOSL search: `FIND ... RETURNING A, B(...)`; `object` is the first
    /// returned object and `sosl_objects` all of them.
    pub sosl_objects: Vec<String>,
    /// The SELECT list holds a value put in at run time (`#["SELECT Id, " ++
    /// fields ++ " FROM Contact"]`, `${fields}`): its fields, which may
    /// follow any relationship, are not known.
    pub built_fields: bool,
}

/// How a query refers to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObjectRefKind {
    /// The FROM object of the query or of a semi-join, or a SOSL RETURNING
    /// object: an object API name.
    From,
    /// A child relationship name of a sub-query in the SELECT list.
    ChildRelationship,
    /// A parent relationship traversed in a field path (`Account` in
    /// `Account.Name`).
    ParentRelationship,
    /// A type named in `TYPEOF ... WHEN <Type>`.
    Typeof,
}

/// An object a query touches.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    /// As written: an object API name for `From`/`Typeof`, a relationship
    /// name otherwise.
    pub name: String,
    pub kind: ObjectRefKind,
    /// The object it was reached from (for relationships): for a hop of a
    /// path, the object the hop before leads to (`None` when that is not
    /// known).
    pub parent: Option<String>,
    /// For relationships: the full path from the parent (`Account.Owner`).
    pub path: Option<String>,
    /// For relationships: the fields read on the object reached
    /// ([`field_on_object`] of what follows the path: `Name` of
    /// `Account.Name`, `OwnerId` of `Account.Owner.Name`), or a child
    /// sub-query's own.
    pub fields: Vec<String>,
}

impl ObjectRef {
    /// The object's API name: the name itself, or a guess by convention for
    /// relationships (`None` when no guess).
    pub fn object(&self) -> Option<String> {
        match self.kind {
            ObjectRefKind::From | ObjectRefKind::Typeof => Some(self.name.clone()),
            ObjectRefKind::ChildRelationship => child_relationship_target(&self.name),
            ObjectRefKind::ParentRelationship => {
                parent_relationship_target(self.parent.as_deref(), &self.name)
            }
        }
    }
}

/// The field of a query's object that a field path reads: the path itself
/// when it has no relationship (`Amount__c`), else the lookup field of its
/// first relationship, `Account__c` for `Account__r.Name`, `OwnerId` for
/// `Owner.Name` (a standard relationship's field is its name and `Id`).
/// `None` for what is no field name (a function call, `*`).
pub fn field_on_object(path: &str) -> Option<String> {
    let path = path.trim();
    let (first, through) = match path.split_once('.') {
        Some((first, _)) => (first, true),
        None => (path, false),
    };
    let mut chars = first.chars();
    let is_name = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !is_name {
        return None;
    }
    if !through {
        return Some(first.to_string());
    }
    let b = first.as_bytes();
    if b.len() > 3 && b[b.len() - 3..].eq_ignore_ascii_case(b"__r") {
        return Some(format!("{}__c", &first[..first.len() - 3]));
    }
    Some(format!("{first}Id"))
}

/// Why a query could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoqlError {
    pub message: String,
}

impl std::fmt::Display for SoqlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SoqlError {}

fn err(message: impl Into<String>) -> SoqlError {
    SoqlError {
        message: message.into(),
    }
}

/// Tokens borrow the query text: parsing a monorepo's queries allocates
/// only for what the result keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    /// Identifier or dotted path (`Account.Owner.Name`, `LAST_N_DAYS`).
    Ident(&'a str),
    Str,
    Num,
    /// `:name`
    Bind(&'a str),
    LParen,
    RParen,
    Comma,
    /// Operators and anything else.
    Sym,
    /// `{...}` of SOSL FIND.
    Braces,
}

/// Removes a Mule 3 `dsql:` prefix and a DataWeave `#[" ... "]` wrapper.
fn unwrap_query(q: &str) -> &str {
    let mut t = q.trim();
    // By bytes: the fifth byte may fall inside a character (`SEL😀...`).
    if t.as_bytes()
        .get(..5)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"dsql:"))
    {
        t = t[5..].trim_start();
    }
    if let Some(inner) = t.strip_prefix("#[").and_then(|s| s.strip_suffix(']')) {
        let inner = inner.trim();
        for quote in ['"', '\''] {
            if let Some(s) = inner
                .strip_prefix(quote)
                .and_then(|s| s.strip_suffix(quote))
            {
                return s;
            }
        }
        return inner;
    }
    t
}

fn tokenize(q: &str) -> Vec<Tok<'_>> {
    let b = q.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            _ if c.is_ascii_whitespace() => i += 1,
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = q[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = memchr_nl(b, i);
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = memchr_nl(b, i);
            }
            b'\'' | b'"' => {
                i += 1;
                while i < b.len() {
                    if b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    // An interpolation inside the literal (Mule 3's
                    // `'#[message.inboundProperties.'http.uri.params'.id]'`)
                    // may hold the literal's own quote: it ends at its
                    // closing bracket, not at that quote.
                    if is_interpolation(b, i) {
                        i = skip_interpolation(b, i);
                        continue;
                    }
                    if b[i] == c {
                        // SQL-style doubled quote.
                        if b.get(i + 1) == Some(&c) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
                out.push(Tok::Str);
            }
            // Interpolations: `${...}`, `$(...)`, `#[...]`: a value.
            _ if is_interpolation(b, i) => {
                i = skip_interpolation(b, i);
                out.push(Tok::Str);
            }
            b'{' => {
                i = q[i..].find('}').map_or(b.len(), |e| i + e + 1);
                out.push(Tok::Braces);
            }
            b':' => {
                let start = i + 1;
                i = start;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.')
                {
                    i += 1;
                }
                out.push(Tok::Bind(&q[start..i]));
            }
            b'(' => {
                i += 1;
                out.push(Tok::LParen);
            }
            b')' => {
                i += 1;
                out.push(Tok::RParen);
            }
            b',' => {
                i += 1;
                out.push(Tok::Comma);
            }
            _ if c.is_ascii_digit() => {
                // Numbers and date literals (2024-01-01T00:00:00Z).
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'.' | b'-' | b':' | b'+'))
                {
                    i += 1;
                }
                out.push(Tok::Num);
            }
            _ if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.')
                {
                    i += 1;
                }
                let word = q[start..i].trim_end_matches('.');
                // Date literals with a number: LAST_N_DAYS:30.
                if b.get(i) == Some(&b':') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                    while i < b.len() && b[i].is_ascii_digit() {
                        i += 1;
                    }
                }
                out.push(Tok::Ident(word));
            }
            _ => {
                // Multi-byte UTF-8 or an operator.
                i += q[i..].chars().next().map_or(1, char::len_utf8);
                out.push(Tok::Sym);
            }
        }
    }
    out
}

/// `${`, `$(` or `#[` at `i`: a value put in before the query is sent.
fn is_interpolation(b: &[u8], i: usize) -> bool {
    matches!(b[i], b'$' | b'#') && matches!(b.get(i + 1), Some(b'{' | b'(' | b'['))
}

/// The index just past the interpolation starting at `i` (its brackets
/// balanced), or the end of the query.
fn skip_interpolation(b: &[u8], mut i: usize) -> usize {
    let open = b[i + 1];
    let close = match open {
        b'{' => b'}',
        b'(' => b')',
        _ => b']',
    };
    let mut depth = 0;
    i += 1;
    while i < b.len() {
        if b[i] == open {
            depth += 1;
        } else if b[i] == close {
            depth -= 1;
            if depth == 0 {
                return i + 1;
            }
        }
        i += 1;
    }
    i
}

fn memchr_nl(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |e| from + e + 1)
}

fn is_kw(t: Option<&Tok<'_>>, kw: &str) -> bool {
    matches!(t, Some(Tok::Ident(w)) if w.eq_ignore_ascii_case(kw))
}

/// Words that end the FROM clause or a select item's alias position.
const CLAUSE_WORDS: &[&str] = &[
    "WHERE", "WITH", "GROUP", "ORDER", "LIMIT", "OFFSET", "FOR", "USING", "HAVING", "UPDATE",
    "ALL", "FROM",
];

/// The longest of [`CLAUSE_WORDS`].
const CLAUSE_WORD_MAX: usize = 6;

fn is_clause_word(w: &str) -> bool {
    // Most identifiers are field names longer than any keyword.
    w.len() <= CLAUSE_WORD_MAX && CLAUSE_WORDS.iter().any(|k| k.eq_ignore_ascii_case(w))
}

/// Words in WHERE and other clauses that are not fields, sorted (for
/// [`is_value_word`]'s binary search; a test checks the order).
const VALUE_WORDS: &[&str] = &[
    "ABOVE",
    "ABOVE_OR_BELOW",
    "AND",
    "ASC",
    "AT",
    "BELOW",
    "BY",
    "CATEGORY",
    "CUBE",
    "DATA",
    "DESC",
    "EXCLUDES",
    "FALSE",
    "FIRST",
    "IN",
    "INCLUDES",
    "LAST",
    "LIKE",
    "NOT",
    "NULL",
    "NULLS",
    "OR",
    "REFERENCE",
    "ROLLUP",
    "ROWS",
    "SCOPE",
    "SECURITY_ENFORCED",
    "SELECT",
    "SYSTEM_MODE",
    "TRACKING",
    "TRUE",
    "USER_MODE",
    "VIEW",
    "VIEWSTAT",
];

/// The longest value word (`SECURITY_ENFORCED`).
const VALUE_WORD_MAX: usize = 17;

/// Whether `w` is a word of a clause that is not a field (`AND`, `NULL`,
/// `DESC`, `SECURITY_ENFORCED`, ...), in any case.
fn is_value_word(w: &str) -> bool {
    // Upper-cased on the stack, then a binary search: this runs for every
    // identifier after FROM, and a case-insensitive scan of the list cost
    // 280 instructions.
    let mut upper = [0u8; VALUE_WORD_MAX];
    let Some(buf) = upper.get_mut(..w.len()) else {
        return false;
    };
    buf.copy_from_slice(w.as_bytes());
    buf.make_ascii_uppercase();
    VALUE_WORDS
        .binary_search_by(|k| k.as_bytes().cmp(buf))
        .is_ok()
}

struct Parser<'a> {
    toks: Vec<Tok<'a>>,
    i: usize,
    /// Sub-queries open around the current one.
    depth: usize,
}

/// Sub-queries nest at most this deep. Salesforce allows a child sub-query
/// in a query and a semi-join in either (a few levels); the bound keeps a
/// garbled query from recursing until the stack overflows.
const MAX_QUERY_NESTING: usize = 16;

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&Tok<'a>> {
        self.toks.get(self.i)
    }

    fn peek_at(&self, n: usize) -> Option<&Tok<'a>> {
        self.toks.get(self.i + n)
    }

    fn next(&mut self) -> Option<Tok<'a>> {
        let t = self.toks.get(self.i).copied();
        self.i += 1;
        t
    }

    /// Skips a balanced `( ... )` whose `(` is the current token.
    fn skip_parens(&mut self) {
        let mut depth = 0;
        while let Some(t) = self.next() {
            match t {
                Tok::LParen => depth += 1,
                Tok::RParen => {
                    depth -= 1;
                    if depth <= 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    /// A `SELECT ... FROM ...` query, up to its closing `)` (not consumed)
    /// or the end.
    fn query(&mut self) -> Result<SoqlQuery, SoqlError> {
        if self.depth >= MAX_QUERY_NESTING {
            return Err(err(format!(
                "sub-queries nested more than {MAX_QUERY_NESTING} deep"
            )));
        }
        self.depth += 1;
        let q = self.query_here();
        self.depth -= 1;
        q
    }

    fn query_here(&mut self) -> Result<SoqlQuery, SoqlError> {
        if !is_kw(self.peek(), "SELECT") {
            return Err(err("expected SELECT"));
        }
        self.next();
        let mut q = SoqlQuery::default();
        // Borrowed from the query text (TYPEOF fields excepted): most are
        // dropped as duplicates or kept once.
        let mut raw_fields: Vec<Cow<'a, str>> = Vec::new();
        // SELECT list.
        loop {
            match self.peek() {
                None => return Err(err("no FROM clause")),
                Some(Tok::Ident(w)) if w.eq_ignore_ascii_case("FROM") => {
                    self.next();
                    break;
                }
                Some(Tok::Comma) => {
                    self.next();
                }
                Some(Tok::LParen) if is_kw(self.peek_at(1), "SELECT") => {
                    self.next();
                    let sub = self.query()?;
                    if matches!(self.peek(), Some(Tok::RParen)) {
                        self.next();
                    }
                    q.child_queries.push(sub);
                }
                Some(Tok::Ident(w)) if w.eq_ignore_ascii_case("TYPEOF") => {
                    self.next();
                    self.typeof_clause(&mut q, &mut raw_fields);
                }
                Some(Tok::Ident(_)) => {
                    let Some(Tok::Ident(w)) = self.next() else {
                        unreachable!()
                    };
                    if matches!(self.peek(), Some(Tok::LParen)) {
                        // A function: its arguments are fields.
                        self.function_args(&mut raw_fields);
                    } else {
                        raw_fields.push(Cow::Borrowed(w));
                    }
                    // An alias after an item: `COUNT(Id) total`, `Name n`.
                    if let Some(Tok::Ident(a)) = self.peek() {
                        if !is_clause_word(a) {
                            self.next();
                        }
                    }
                }
                Some(Tok::RParen) => return Err(err("unbalanced ')' in SELECT list")),
                Some(Tok::Str) => {
                    // No literal belongs in a SELECT list: text put in.
                    q.built_fields = true;
                    self.next();
                }
                _ => {
                    self.next();
                }
            }
        }
        // FROM object [AS] [alias] {, path [alias]}
        // `Order` and `Group` are objects unless `BY` follows.
        let by_follows = is_kw(self.peek_at(1), "BY");
        match self.next() {
            Some(Tok::Ident(obj))
                if !is_clause_word(obj)
                    || (!by_follows
                        && (obj.eq_ignore_ascii_case("Order")
                            || obj.eq_ignore_ascii_case("Group"))) =>
            {
                q.object = obj.to_string()
            }
            _ => return Err(err("FROM without an object")),
        }
        q.alias = self.alias();
        while matches!(self.peek(), Some(Tok::Comma)) {
            self.next();
            if let Some(Tok::Ident(path)) = self.next() {
                q.from_relationships.push(path.to_string());
                let _ = self.alias();
            }
        }
        // The rest: WHERE, WITH, GROUP BY, ORDER BY, LIMIT, FOR ...
        let mut depth = 0usize;
        while let Some(t) = self.peek() {
            match t {
                Tok::RParen if depth == 0 => break,
                Tok::RParen => {
                    depth -= 1;
                    self.next();
                }
                Tok::LParen if is_kw(self.peek_at(1), "SELECT") => {
                    self.next();
                    let sub = self.query()?;
                    if matches!(self.peek(), Some(Tok::RParen)) {
                        self.next();
                    }
                    q.semi_joins.push(sub);
                }
                Tok::LParen => {
                    depth += 1;
                    self.next();
                }
                Tok::Bind(name) => {
                    q.binds.push(name.to_string());
                    self.next();
                }
                Tok::Ident(w) => {
                    let w = *w;
                    self.next();
                    let value_word = is_value_word(w);
                    // Dotted paths are fields wherever they are; plain names
                    // when compared, grouped or ordered.
                    let field = !value_word
                        && (w.contains('.')
                            || (!is_clause_word(w)
                                && !matches!(self.peek(), Some(Tok::LParen))
                                && is_field_position(&self.toks, self.i - 1)));
                    if w.eq_ignore_ascii_case("FOR") && is_kw(self.peek(), "UPDATE") {
                        q.for_update = true;
                    } else if field {
                        raw_fields.push(Cow::Borrowed(w));
                    }
                }
                _ => {
                    self.next();
                }
            }
        }
        // Normalize fields: drop the alias or object prefix.
        let prefixes: Vec<&str> = q
            .alias
            .iter()
            .map(String::as_str)
            .chain(std::iter::once(q.object.as_str()))
            .collect();
        for f in &raw_fields {
            let f: &str = match f.split_once('.') {
                Some((head, rest)) if prefixes.iter().any(|p| p.eq_ignore_ascii_case(head)) => rest,
                _ => f,
            };
            if f.is_empty() {
                continue;
            }
            if let Some((rel, _)) = f.rsplit_once('.') {
                q.relationships.push(rel.to_string());
            }
            q.fields.push(f.to_string());
        }
        q.keep_first_names();
        Ok(q)
    }

    /// `AS alias` or `alias` after a FROM entry.
    fn alias(&mut self) -> Option<String> {
        if is_kw(self.peek(), "AS") {
            self.next();
        }
        match self.peek() {
            Some(Tok::Ident(a)) if !is_clause_word(a) && !a.contains('.') => {
                let a = *a;
                self.next();
                Some(a.to_string())
            }
            _ => None,
        }
    }

    /// After `name(`: the identifiers inside are fields (nested calls too).
    fn function_args(&mut self, fields: &mut Vec<Cow<'a, str>>) {
        let mut depth = 0;
        while let Some(t) = self.next() {
            match t {
                Tok::LParen => depth += 1,
                Tok::RParen => {
                    depth -= 1;
                    if depth <= 0 {
                        return;
                    }
                }
                // Not FIELDS(ALL|STANDARD|CUSTOM) nor nested function names.
                Tok::Ident(w)
                    if !matches!(self.peek(), Some(Tok::LParen))
                        && !["ALL", "STANDARD", "CUSTOM", "mi", "km"]
                            .iter()
                            .any(|k| k.eq_ignore_ascii_case(w)) =>
                {
                    fields.push(Cow::Borrowed(w));
                }
                _ => {}
            }
        }
    }

    /// After `TYPEOF`: `field WHEN Type THEN f1, f2 ... [ELSE f3] END`.
    fn typeof_clause(&mut self, q: &mut SoqlQuery, fields: &mut Vec<Cow<'a, str>>) {
        let rel = match self.next() {
            Some(Tok::Ident(r)) => r,
            _ => return,
        };
        let mut expect_type = false;
        let mut closed = true;
        while let Some(t) = self.next() {
            match t {
                Tok::Ident(w) if w.eq_ignore_ascii_case("END") => break,
                Tok::Ident(w) if w.eq_ignore_ascii_case("WHEN") => expect_type = true,
                Tok::Ident(w) if w.eq_ignore_ascii_case("ELSE") => closed = false,
                Tok::Ident(w) if w.eq_ignore_ascii_case("THEN") => {}
                Tok::Ident(w) if expect_type => {
                    q.typeof_objects.push(w.to_string());
                    expect_type = false;
                }
                Tok::Ident(w) => fields.push(Cow::Owned(format!("{rel}.{w}"))),
                Tok::LParen => {
                    self.i -= 1;
                    self.skip_parens();
                }
                _ => {}
            }
        }
        q.relationships.push(rel.to_string());
        if closed {
            q.typeof_closed.push(rel.to_string());
        }
    }
}

/// True when the identifier at `at` is compared or ordered (followed by an
/// operator, IN, LIKE, ..., or in a GROUP/ORDER BY list), i.e. a field.
fn is_field_position(toks: &[Tok], at: usize) -> bool {
    let next = toks.get(at + 1);
    let prev = at.checked_sub(1).and_then(|p| toks.get(p));
    matches!(next, Some(Tok::Sym))
        || [
            "IN", "LIKE", "INCLUDES", "EXCLUDES", "NOT", "ASC", "DESC", "NULLS",
        ]
        .iter()
        .any(|k| is_kw(next, k))
        || is_kw(prev, "BY")
        || (matches!(prev, Some(Tok::Comma)) && matches!(next, Some(Tok::Comma) | None))
}

impl SoqlQuery {
    /// Each list the parser fills keeps the first of the names that are the
    /// same but for case, once the query is parsed.
    fn keep_first_names(&mut self) {
        for list in [
            &mut self.fields,
            &mut self.relationships,
            &mut self.typeof_objects,
            &mut self.sosl_objects,
        ] {
            keep_first_by_key(list, |n| n.to_ascii_lowercase());
        }
    }
}

/// Parses one SOQL query (or a SOSL search's RETURNING list).
pub fn parse(query: &str) -> Result<SoqlQuery, SoqlError> {
    let text = unwrap_query(query);
    let toks = tokenize(text);
    if is_kw(toks.first(), "FIND") {
        return parse_sosl(toks);
    }
    let mut p = Parser {
        toks,
        i: 0,
        depth: 0,
    };
    // Parentheses around the whole query.
    while matches!(p.peek(), Some(Tok::LParen)) {
        p.next();
    }
    p.query()
}

fn parse_sosl(toks: Vec<Tok<'_>>) -> Result<SoqlQuery, SoqlError> {
    let mut p = Parser {
        toks,
        i: 0,
        depth: 0,
    };
    while let Some(t) = p.next() {
        if matches!(&t, Tok::Ident(w) if w.eq_ignore_ascii_case("RETURNING")) {
            let mut q = SoqlQuery::default();
            while let Some(Tok::Ident(obj)) = p.peek().cloned() {
                if is_clause_word(obj) {
                    break;
                }
                p.next();
                q.sosl_objects.push(obj.to_string());
                if matches!(p.peek(), Some(Tok::LParen)) {
                    let start = p.i + 1;
                    p.skip_parens();
                    let end = p.i.saturating_sub(1);
                    for t in &p.toks[start.min(end)..end] {
                        if let Tok::Ident(f) = t {
                            if !is_clause_word(f) && !is_value_word(f) {
                                q.fields.push(f.to_string());
                            }
                        }
                    }
                }
                if !matches!(p.peek(), Some(Tok::Comma)) {
                    break;
                }
                p.next();
            }
            q.keep_first_names();
            q.object = q.sosl_objects.first().cloned().unwrap_or_default();
            if q.object.is_empty() {
                return Err(err("RETURNING without an object"));
            }
            return Ok(q);
        }
    }
    Err(err("SOSL search without RETURNING: objects unknown"))
}

impl SoqlQuery {
    /// [`Self::built_fields`] of the query or of a sub-query.
    pub fn any_built_fields(&self) -> bool {
        self.built_fields
            || self
                .child_queries
                .iter()
                .chain(&self.semi_joins)
                .any(SoqlQuery::any_built_fields)
    }

    /// Every object reference of the query and its sub-queries.
    pub fn object_refs(&self) -> Vec<ObjectRef> {
        let mut out = Vec::new();
        self.collect_refs(None, &mut out);
        out.sort();
        out.dedup();
        out
    }

    fn collect_refs(&self, child_of: Option<&str>, out: &mut Vec<ObjectRef>) {
        let here = match child_of {
            Some(parent) => {
                // Histories, shares and feeds are read with their parent
                // record: no object of their own.
                if !PARENT_OWNED_CHILDREN
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(&self.object))
                {
                    out.push(ObjectRef {
                        name: self.object.clone(),
                        kind: ObjectRefKind::ChildRelationship,
                        parent: Some(parent.to_string()),
                        path: Some(self.object.clone()),
                        fields: fields_on(self.fields.iter().map(String::as_str)),
                    });
                }
                // Empty when not known: no hop is resolved from it.
                child_relationship_target(&self.object).unwrap_or_default()
            }
            None => {
                if self.sosl_objects.is_empty() {
                    out.push(ObjectRef {
                        name: self.object.clone(),
                        kind: ObjectRefKind::From,
                        parent: None,
                        path: None,
                        fields: Vec::new(),
                    });
                }
                for o in &self.sosl_objects {
                    out.push(ObjectRef {
                        name: o.clone(),
                        kind: ObjectRefKind::From,
                        parent: None,
                        path: None,
                        fields: Vec::new(),
                    });
                }
                self.object.clone()
            }
        };
        let alias = self.alias.as_deref();
        // The fields read through each relationship path (lower-cased):
        // `account.owner` -> `Name` for `Account.Owner.Name`. Indexed once:
        // searching every field for every hop took time in the square of a
        // long query's size.
        let mut through_paths: HashMap<String, Vec<&str>> = HashMap::new();
        if !self.relationships.is_empty() || !self.from_relationships.is_empty() {
            for f in &self.fields {
                for (i, _) in f.match_indices('.') {
                    through_paths
                        .entry(f[..i].to_ascii_lowercase())
                        .or_default()
                        .push(&f[i + 1..]);
                }
            }
        }
        for rel in self.relationships.iter().chain(&self.from_relationships) {
            // Each hop of `Account.Owner` from the query's object, each read
            // on the object the one before leads to (`None`: not known).
            let mut path = String::new();
            let mut source = Some(here.clone());
            for (i, hop) in rel.split('.').enumerate() {
                // `FROM Contact c, c.Account a`: the alias is the object.
                if i == 0 && alias.is_some_and(|a| a.eq_ignore_ascii_case(hop)) {
                    continue;
                }
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(hop);
                // A `TYPEOF What` without ELSE reads only the types it names
                // (their refs are the `Typeof` ones).
                if path == hop
                    && self
                        .typeof_closed
                        .iter()
                        .any(|t| t.eq_ignore_ascii_case(hop))
                {
                    source = None;
                    continue;
                }
                let through = through_paths
                    .get(&path.to_ascii_lowercase())
                    .into_iter()
                    .flatten()
                    .copied();
                let r = ObjectRef {
                    name: hop.to_string(),
                    kind: ObjectRefKind::ParentRelationship,
                    parent: source.take(),
                    path: Some(path.clone()),
                    fields: fields_on(through),
                };
                source = r.object();
                out.push(r);
            }
        }
        for t in &self.typeof_objects {
            out.push(ObjectRef {
                name: t.clone(),
                kind: ObjectRefKind::Typeof,
                parent: Some(here.clone()),
                path: None,
                fields: Vec::new(),
            });
        }
        for c in &self.child_queries {
            c.collect_refs(Some(&here), out);
        }
        for s in &self.semi_joins {
            s.collect_refs(None, out);
        }
    }
}

/// The fields read on one object through `paths` (relative to it), each
/// once, case ignored.
fn fields_on<'a>(paths: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::new();
    paths
        .filter_map(field_on_object)
        .filter(|f| seen.insert(f.to_ascii_lowercase()))
        .collect()
}

/// The objects a query reads (FROM objects, semi-join objects, TYPEOF types
/// and, by convention, relationship targets), with how each was found.
pub fn objects(query: &str) -> Result<Vec<ObjectRef>, SoqlError> {
    Ok(parse(query)?.object_refs())
}

/// Standard parent relationships whose target is not their own name; `""`
/// for polymorphic ones (`What`, `Who`: any of several objects), `"="` for
/// those that lead back to the object they are read on (`MasterRecord`).
const PARENT_RELATIONSHIPS: &[(&str, &str)] = &[
    ("Owner", "User"),
    ("CreatedBy", "User"),
    ("LastModifiedBy", "User"),
    ("Manager", "User"),
    ("DelegatedApprover", "User"),
    ("ReportsTo", "Contact"),
    ("MasterRecord", "="),
    ("What", ""),
    ("Who", ""),
    ("ConvertedAccount", "Account"),
    ("ConvertedContact", "Contact"),
    ("ConvertedOpportunity", "Opportunity"),
    // Order
    ("BillToContact", "Contact"),
    ("ShipToContact", "Contact"),
    ("CustomerAuthorizedBy", "Contact"),
    ("CompanyAuthorizedBy", "User"),
    ("OriginalOrder", "Order"),
    // Order, Contract
    ("ActivatedBy", "User"),
    // Contract
    ("CustomerSigned", "Contact"),
    ("CompanySigned", "User"),
    // Asset
    ("ParentAsset", "Asset"),
    ("RootAsset", "Asset"),
];

/// Objects whose `Parent` relationship leads to the same object (on other
/// objects, such as Attachment or Note, it is polymorphic).
const SELF_PARENT: &[&str] = &["Account", "Asset", "Campaign", "Case", "WorkOrder"];

/// Standard objects, for the relationships named like their object
/// (`Account` on Contact, `Product2` on OrderItem): a standard relationship
/// name that is none of these nor in [`PARENT_RELATIONSHIPS`] leads to an
/// object intguard does not know, never to an object of its own name.
const STANDARD_OBJECTS: &[&str] = &[
    "Account",
    "AccountContactRelation",
    "AccountContactRole",
    "AccountTeamMember",
    "Address",
    "Asset",
    "AssetRelationship",
    "Attachment",
    "BusinessHours",
    "CallCenter",
    "Campaign",
    "CampaignMember",
    "Case",
    "CaseComment",
    "CaseContactRole",
    "CollaborationGroup",
    "Contact",
    "ContactPointAddress",
    "ContactPointEmail",
    "ContactPointPhone",
    "ContentDocument",
    "ContentVersion",
    "Contract",
    "ContractContactRole",
    "ContractLineItem",
    "CreditMemo",
    "Dashboard",
    "Document",
    "EmailMessage",
    "EmailTemplate",
    "Entitlement",
    "Event",
    "FeedComment",
    "FeedItem",
    "Folder",
    "Group",
    "Idea",
    "Individual",
    "Invoice",
    "Lead",
    "LiveChatTranscript",
    "Location",
    "MessagingEndUser",
    "MessagingSession",
    "Network",
    "Note",
    "OperatingHours",
    "Opportunity",
    "OpportunityContactRole",
    "OpportunityLineItem",
    "OpportunityTeamMember",
    "Order",
    "OrderItem",
    "Organization",
    "Payment",
    "PaymentMethod",
    "Period",
    "PermissionSet",
    "PermissionSetGroup",
    "Pricebook2",
    "PricebookEntry",
    "ProcessInstance",
    "Product2",
    "ProductItem",
    "ProductRequest",
    "Profile",
    "Quote",
    "QuoteLineItem",
    "RecordType",
    "Report",
    "ReturnOrder",
    "ServiceAppointment",
    "ServiceContract",
    "ServiceResource",
    "ServiceTerritory",
    "Shipment",
    "Site",
    "Skill",
    "Solution",
    "Task",
    "Territory",
    "Territory2",
    "Topic",
    "User",
    "UserLicense",
    "UserRole",
    "WorkOrder",
    "WorkOrderLineItem",
    "WorkType",
];

fn is_standard_object(name: &str) -> bool {
    STANDARD_OBJECTS
        .iter()
        .any(|o| o.eq_ignore_ascii_case(name))
}

/// The object a parent relationship name leads to, by convention:
/// `Owner` -> `User`, `Invoice__r` -> `Invoice__c`, `Account` -> `Account`.
/// `None` when not known: polymorphic ones (`What`, `Who`), and standard
/// names that are no object intguard knows (`Foo`).
pub fn relationship_target(name: &str) -> Option<String> {
    parent_relationship_target(None, name)
}

/// [`relationship_target`] read on object `source` (when known): `Parent`
/// on Account leads to Account, `MasterRecord` to the object itself.
pub fn parent_relationship_target(source: Option<&str>, name: &str) -> Option<String> {
    let name = name.trim();
    let source = source.map(str::trim).filter(|s| !s.is_empty());
    if name.eq_ignore_ascii_case("Parent") {
        return source
            .filter(|s| SELF_PARENT.iter().any(|o| o.eq_ignore_ascii_case(s)))
            .map(str::to_string);
    }
    if let Some((_, t)) = PARENT_RELATIONSHIPS
        .iter()
        .find(|(r, _)| r.eq_ignore_ascii_case(name))
    {
        return match *t {
            "" => None,
            "=" => source.map(str::to_string),
            t => Some(t.to_string()),
        };
    }
    if let Some(base) = strip_suffix_ci(name, "__r") {
        return Some(format!("{base}__c"));
    }
    is_standard_object(name).then(|| name.to_string())
}

/// Standard child relationships that plural rules get wrong.
const CHILD_RELATIONSHIPS: &[(&str, &str)] = &[
    ("Opportunities", "Opportunity"),
    ("OpportunityLineItems", "OpportunityLineItem"),
    ("ActivityHistories", "ActivityHistory"),
    ("OpenActivities", "OpenActivity"),
    ("ChildAccounts", "Account"),
    ("CombinedAttachments", "CombinedAttachment"),
    ("ContentDocumentLinks", "ContentDocumentLink"),
    ("AttachedContentDocuments", "AttachedContentDocument"),
    ("OrderItems", "OrderItem"),
    ("QuoteLineItems", "QuoteLineItem"),
];

/// Child relationships to records read with their parent's access (field
/// history, sharing, Chatter feed): a sub-query on them reads no object of
/// its own.
const PARENT_OWNED_CHILDREN: &[&str] = &["Histories", "Shares", "Feeds"];

/// The object a child relationship name leads to, by convention:
/// `Contacts` -> `Contact`, `Opportunities` -> `Opportunity`,
/// `Invoice_Lines__r` -> `Invoice_Line__c`; `None` when not known (a
/// standard name whose singular is no object intguard knows).
pub fn child_relationship_target(name: &str) -> Option<String> {
    let name = name.trim();
    if let Some((_, t)) = CHILD_RELATIONSHIPS
        .iter()
        .find(|(r, _)| r.eq_ignore_ascii_case(name))
    {
        return (!t.is_empty()).then(|| t.to_string());
    }
    if let Some(base) = strip_suffix_ci(name, "__r") {
        return Some(format!("{}__c", singular(base)));
    }
    let object = singular(name);
    is_standard_object(&object).then_some(object)
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let n = s.len().checked_sub(suffix.len())?;
    (n > 0 && s.is_char_boundary(n) && s[n..].eq_ignore_ascii_case(suffix)).then(|| &s[..n])
}

fn singular(s: &str) -> String {
    if let Some(b) = strip_suffix_ci(s, "ies") {
        format!("{b}y")
    } else if let Some(b) = strip_suffix_ci(s, "sses") {
        format!("{b}ss")
    } else if let Some(b) = strip_suffix_ci(s, "s") {
        if b.ends_with('s') {
            s.to_string()
        } else {
            b.to_string()
        }
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_a_path_reads_on_its_object() {
        assert_eq!(field_on_object("Amount__c").as_deref(), Some("Amount__c"));
        assert_eq!(field_on_object(" Name ").as_deref(), Some("Name"));
        assert_eq!(
            field_on_object("Account__r.Owner.Name").as_deref(),
            Some("Account__c")
        );
        assert_eq!(
            field_on_object("ns__Parent__R.Name").as_deref(),
            Some("ns__Parent__c")
        );
        assert_eq!(field_on_object("Owner.Name").as_deref(), Some("OwnerId"));
        assert_eq!(field_on_object("COUNT(Id)"), None);
        assert_eq!(field_on_object("*"), None);
        assert_eq!(field_on_object(""), None);
    }

    fn from_objects(q: &str) -> Vec<String> {
        let mut v: Vec<String> = objects(q)
            .unwrap()
            .into_iter()
            .filter_map(|r| r.object())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Found by mutating the fixtures: a query whose fifth byte falls
    /// inside a character panicked where the `dsql:` prefix is looked for.
    #[test]
    fn a_character_across_the_prefix_is_no_panic() {
        assert!(parse("SEL\u{1F600}ECT Id FROM Lead").is_err());
        assert!(parse("dsql\u{FFFD}SELECT Id, Name FROM Account").is_err());
        assert_eq!(parse("DSQL: SELECT Id FROM Lead").unwrap().object, "Lead");
    }

    /// Found by mutating the fixtures: sub-queries nested 20,000 deep
    /// overflowed the stack. Up to the bound they parse; beyond it the query
    /// is an error, like any other query intguard cannot read.
    #[test]
    fn nesting_is_bounded() {
        let nested = |n: usize| {
            format!(
                "{}SELECT Id FROM Contacts{}",
                "SELECT Id, (".repeat(n),
                ") FROM Account".repeat(n)
            )
        };
        let q = parse(&nested(MAX_QUERY_NESTING - 1)).unwrap();
        assert_eq!(q.object, "Account");
        assert_eq!(q.child_queries.len(), 1);
        let e = parse(&nested(20_000)).unwrap_err();
        assert!(e.to_string().contains("nested more than 16 deep"), "{e}");
        let semi = format!(
            "SELECT Id FROM Account WHERE {}Id = 1{}",
            "Id IN (SELECT AccountId FROM Contact WHERE ".repeat(20_000),
            ")".repeat(20_000)
        );
        assert!(parse(&semi).is_err());
    }

    #[test]
    fn keyword_length_bounds_hold() {
        let longest = |words: &[&str]| words.iter().map(|w| w.len()).max().unwrap_or(0);
        assert_eq!(longest(CLAUSE_WORDS), CLAUSE_WORD_MAX);
        assert_eq!(longest(VALUE_WORDS), VALUE_WORD_MAX);
        assert!(VALUE_WORDS.windows(2).all(|p| p[0] < p[1]), "sorted");
        for w in VALUE_WORDS {
            assert!(is_value_word(w), "{w}");
            assert!(is_value_word(&w.to_ascii_lowercase()), "{w}");
        }
        for w in [
            "Name",
            "Status__c",
            "ANDY",
            "",
            "SECURITY_ENFORCED_X",
            "Ünïcode",
        ] {
            assert!(!is_value_word(w), "{w}");
        }
    }

    #[test]
    fn simple() {
        let q = parse("SELECT Id, Name FROM Account WHERE Name = 'x' LIMIT 10").unwrap();
        assert_eq!(q.object, "Account");
        assert_eq!(q.fields, ["Id", "Name"]);
        assert!(q.relationships.is_empty());
        assert_eq!(from_objects("select id from account"), ["account"]);
    }

    #[test]
    fn relationship_paths() {
        let q =
            parse("SELECT Id, Account.Name, Account.Owner.Name, Owner.Email FROM Contact").unwrap();
        assert_eq!(q.object, "Contact");
        assert_eq!(q.relationships, ["Account", "Account.Owner", "Owner"]);
        let refs = q.object_refs();
        // Each hop is read on the object the hop before leads to.
        assert!(refs.contains(&ObjectRef {
            name: "Owner".into(),
            kind: ObjectRefKind::ParentRelationship,
            parent: Some("Account".into()),
            path: Some("Account.Owner".into()),
            fields: vec!["Name".into()],
        }));
        assert_eq!(
            from_objects("SELECT Account.Owner.Name FROM Contact"),
            ["Account", "Contact", "User"]
        );
        assert_eq!(
            from_objects("SELECT Invoice__r.Total__c FROM Invoice_Line__c"),
            ["Invoice_Line__c", "Invoice__c"]
        );
    }

    #[test]
    fn aliases() {
        let q =
            parse("SELECT c.Name, c.Account.Name FROM Contact c WHERE c.Email != null").unwrap();
        assert_eq!(q.alias.as_deref(), Some("c"));
        assert_eq!(q.fields, ["Name", "Account.Name", "Email"]);
        assert_eq!(q.relationships, ["Account"]);
        let q = parse("SELECT a.Id FROM Account AS a ORDER BY a.Name").unwrap();
        assert_eq!(q.alias.as_deref(), Some("a"));
        assert_eq!(q.fields, ["Id", "Name"]);
        // The object's own name as prefix is not a relationship.
        let q = parse("SELECT Account.Name FROM Account").unwrap();
        assert!(q.relationships.is_empty());
        // `Order` and `Group` are objects too.
        let q = parse("SELECT Id FROM Order ORDER BY OrderNumber").unwrap();
        assert_eq!((q.object.as_str(), q.alias.as_deref()), ("Order", None));
        assert_eq!(q.fields, ["Id", "OrderNumber"]);
        let q = parse("SELECT Id FROM Group WHERE Type = 'Queue'").unwrap();
        assert_eq!(q.object, "Group");
        // Old relationship syntax.
        let q = parse("SELECT c.Name, a.Name FROM Contact c, c.Account a").unwrap();
        assert_eq!(q.from_relationships, ["c.Account"]);
    }

    #[test]
    fn child_subqueries_and_semi_joins() {
        let q = parse(
            "SELECT Name, (SELECT LastName FROM Contacts), (SELECT Id FROM Opportunities WHERE IsWon = true) \
             FROM Account WHERE Id IN (SELECT AccountId FROM Case WHERE Status = 'New') \
             AND Id NOT IN (SELECT AccountId FROM Invoice__c)",
        )
        .unwrap();
        assert_eq!(q.object, "Account");
        let children: Vec<_> = q.child_queries.iter().map(|c| c.object.as_str()).collect();
        assert_eq!(children, ["Contacts", "Opportunities"]);
        let semis: Vec<_> = q.semi_joins.iter().map(|c| c.object.as_str()).collect();
        assert_eq!(semis, ["Case", "Invoice__c"]);
        assert_eq!(
            from_objects(
                "SELECT Name, (SELECT LastName FROM Contacts), (SELECT Id FROM Opportunities) FROM Account \
                 WHERE Id IN (SELECT AccountId FROM Case)"
            ),
            ["Account", "Case", "Contact", "Opportunity"]
        );
        let refs = q.object_refs();
        assert!(refs
            .iter()
            .any(|r| r.kind == ObjectRefKind::ChildRelationship && r.name == "Contacts"));
        assert_eq!(
            from_objects("SELECT Id, (SELECT Id FROM Invoice_Lines__r) FROM Invoice__c"),
            ["Invoice_Line__c", "Invoice__c"]
        );
    }

    #[test]
    fn comments_binds_dsql_and_interpolation() {
        let q = parse(
            "dsql:SELECT Id /* the id */, Name -- name\n FROM Account // trailing\n WHERE Id = :accountId AND Name LIKE :pattern",
        )
        .unwrap();
        assert_eq!(q.object, "Account");
        assert_eq!(q.binds, ["accountId", "pattern"]);
        assert_eq!(q.fields, ["Id", "Name"]);
        let q = parse("#[\"SELECT Id FROM Order WHERE Status = '$(vars.status)'\"]").unwrap();
        assert_eq!(q.object, "Order");
        let q =
            parse("SELECT Id FROM Lead WHERE Email = '${email}' AND Owner.Name = 'it''s'").unwrap();
        assert_eq!(q.object, "Lead");
        assert_eq!(q.relationships, ["Owner"]);
        // A string holding SOQL keywords does not confuse the parser.
        let q = parse("SELECT Id FROM Task WHERE Subject = 'SELECT x FROM Evil\\'s'").unwrap();
        assert!(q.semi_joins.is_empty());
        assert_eq!(q.object, "Task");
    }

    /// Mule 3 writes MEL in a quoted value, often with the quote itself
    /// inside it: the MEL is one value, not the end of the string followed
    /// by a field path `http.uri.params` (a relationship `http.uri`).
    #[test]
    fn mel_with_quotes_inside_a_string_literal_is_one_value() {
        let q = parse(
            "SELECT Id, Name, BillingCity FROM Account \
             WHERE Id = '#[message.inboundProperties.'http.uri.params'.id]' AND Name != 'x'",
        )
        .unwrap();
        assert_eq!(q.object, "Account");
        assert_eq!(q.fields, ["Id", "Name", "BillingCity"]);
        assert!(q.relationships.is_empty(), "{:?}", q.relationships);
        let q = parse("SELECT Id FROM Case WHERE Subject = \"#[flowVars[\"subject\"]]\"").unwrap();
        assert_eq!(q.fields, ["Id", "Subject"]);
        assert!(q.relationships.is_empty(), "{:?}", q.relationships);
    }

    #[test]
    fn typeof_functions_and_clauses() {
        let q = parse(
            "SELECT Id, TYPEOF What WHEN Account THEN Phone, NumberOfEmployees WHEN Opportunity THEN Amount ELSE Name END FROM Event",
        )
        .unwrap();
        assert_eq!(q.object, "Event");
        assert_eq!(q.typeof_objects, ["Account", "Opportunity"]);
        assert!(q.relationships.contains(&"What".to_string()));
        assert_eq!(
            from_objects("SELECT TYPEOF What WHEN Account THEN Phone END FROM Event"),
            ["Account", "Event"]
        );
        let q = parse(
            "SELECT COUNT(Id) total, toLabel(Status), MAX(Account.AnnualRevenue) FROM Opportunity \
             WHERE CloseDate = LAST_N_DAYS:30 AND CreatedDate > 2024-01-01T00:00:00Z \
             GROUP BY Status ORDER BY Status DESC NULLS LAST LIMIT 5 OFFSET 10",
        )
        .unwrap();
        assert_eq!(q.object, "Opportunity");
        assert!(q.fields.contains(&"Id".to_string()));
        assert!(q.fields.contains(&"Account.AnnualRevenue".to_string()));
        assert!(!q.fields.iter().any(|f| f == "total"));
        assert_eq!(q.relationships, ["Account"]);
        let q = parse("SELECT FIELDS(ALL) FROM Account LIMIT 200").unwrap();
        assert!(q.fields.is_empty());
        let q = parse("SELECT Id FROM Account WITH SECURITY_ENFORCED FOR UPDATE").unwrap();
        assert!(q.for_update);
        let q = parse("SELECT Id FROM Account USING SCOPE mine WHERE Name != null").unwrap();
        assert_eq!(q.object, "Account");
    }

    #[test]
    fn sosl_returning() {
        let q = parse(
            "FIND {Acme*} IN NAME FIELDS RETURNING Account(Name, Id WHERE Type = 'x'), Contact",
        )
        .unwrap();
        assert_eq!(q.sosl_objects, ["Account", "Contact"]);
        assert_eq!(
            from_objects("FIND {x} RETURNING Lead, Contact(Email)"),
            ["Contact", "Lead"]
        );
        assert!(parse("FIND {x}").is_err());
    }

    /// Each name once, as first written, whatever the case of its repeats,
    /// in a long list too.
    #[test]
    fn names_are_kept_once_as_first_written() {
        let q = parse(
            "SELECT Id, name, NAME, Account.Name, account.name, ACCOUNT.Owner.Name FROM Contact",
        )
        .unwrap();
        assert_eq!(
            q.fields,
            ["Id", "name", "Account.Name", "ACCOUNT.Owner.Name"]
        );
        assert_eq!(q.relationships, ["Account", "ACCOUNT.Owner"]);
        let fields: Vec<String> = (0..5000).map(|i| format!("F{}__c", i % 2500)).collect();
        let q = parse(&format!("SELECT {} FROM Account", fields.join(", "))).unwrap();
        assert_eq!(q.fields.len(), 2500);
        assert_eq!(q.fields[2499], "F2499__c");
        let q = parse("FIND {x} RETURNING Account(Name, name), account, Contact").unwrap();
        assert_eq!(q.sosl_objects, ["Account", "Contact"]);
        assert_eq!(q.fields, ["Name"]);
    }

    #[test]
    fn errors() {
        assert!(parse("").is_err());
        assert!(parse("UPDATE Account SET x = 1").is_err());
        assert!(parse("SELECT Id, Name").is_err());
        assert!(parse("SELECT Id FROM").is_err());
        assert!(parse("SELECT Id FROM WHERE x = 1").is_err());
        // Unbalanced sub-query: still reads what it can.
        assert_eq!(
            parse("SELECT Id, (SELECT Id FROM Contacts FROM Account")
                .map(|q| q.object)
                .ok(),
            None
        );
    }

    #[test]
    fn relationship_guesses() {
        assert_eq!(relationship_target("Owner").as_deref(), Some("User"));
        assert_eq!(relationship_target("What"), None);
        assert_eq!(relationship_target("Foo__r").as_deref(), Some("Foo__c"));
        assert_eq!(
            child_relationship_target("Contacts").as_deref(),
            Some("Contact")
        );
        assert_eq!(child_relationship_target("Cases").as_deref(), Some("Case"));
        assert_eq!(
            child_relationship_target("Opportunities").as_deref(),
            Some("Opportunity")
        );
        assert_eq!(
            child_relationship_target("Entries__r").as_deref(),
            Some("Entry__c")
        );
        assert_eq!(
            child_relationship_target("Addresses").as_deref(),
            Some("Address")
        );
        assert_eq!(child_relationship_target("Widgets"), None);
    }

    /// Standard relationships named otherwise than their object lead to
    /// it; a standard name intguard does not know, or a polymorphic one,
    /// leads to no object (once, `BillToContact.Email` made an object
    /// `BillToContact`).
    #[test]
    fn standard_relationship_names() {
        for (name, object) in [
            ("BillToContact", "Contact"),
            ("ShipToContact", "Contact"),
            ("CustomerAuthorizedBy", "Contact"),
            ("CompanyAuthorizedBy", "User"),
            ("OriginalOrder", "Order"),
            ("ActivatedBy", "User"),
            ("CustomerSigned", "Contact"),
            ("CompanySigned", "User"),
            ("ParentAsset", "Asset"),
            ("RootAsset", "Asset"),
            ("Account", "Account"),
            ("product2", "product2"),
        ] {
            assert_eq!(relationship_target(name).as_deref(), Some(object), "{name}");
        }
        for name in ["Who", "What", "Parent", "MasterRecord", "SomethingElse", ""] {
            assert_eq!(relationship_target(name), None, "{name}");
        }
        assert_eq!(
            parent_relationship_target(Some("Account"), "Parent").as_deref(),
            Some("Account")
        );
        assert_eq!(
            parent_relationship_target(Some("Attachment"), "Parent"),
            None
        );
        assert_eq!(
            parent_relationship_target(Some("Lead"), "MasterRecord").as_deref(),
            Some("Lead")
        );
        assert_eq!(
            from_objects("SELECT Id, BillToContact.Email, OriginalOrder.OrderNumber FROM Order"),
            ["Contact", "Order"]
        );
        // Each hop is read on the object the one before leads to.
        assert_eq!(
            from_objects("SELECT ParentAsset.Parent.Name, Account.Parent.Name FROM Asset"),
            ["Account", "Asset"]
        );
        let refs = objects("SELECT Who.Name, What.Name FROM Task").unwrap();
        let unknown: Vec<&str> = refs
            .iter()
            .filter(|r| r.object().is_none())
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(unknown, ["What", "Who"]);
    }

    /// Fields put in at run time are told from a query written out, where
    /// an interpolated value is a value.
    #[test]
    fn built_field_lists() {
        let q =
            parse("#[\"SELECT Id, \" ++ (vars.fields joinBy \",\") ++ \" FROM Contact\"]").unwrap();
        assert_eq!(q.object, "Contact");
        assert!(q.any_built_fields());
        assert!(
            parse("SELECT Id, ${fields} FROM Contact")
                .unwrap()
                .built_fields
        );
        let q = parse("SELECT Id, (SELECT $(vars.f) FROM Contacts) FROM Account").unwrap();
        assert!(!q.built_fields && q.any_built_fields());
        let q = parse("#[\"SELECT Id FROM Contact WHERE Name = '$(vars.name)'\"]").unwrap();
        assert!(!q.any_built_fields());
    }

    /// A `TYPEOF` without `ELSE` reads only the types it names through its
    /// polymorphic relationship; with `ELSE`, any type.
    #[test]
    fn typeof_without_else_names_all_it_reads() {
        let unknown = |q: &str| -> Vec<String> {
            objects(q)
                .unwrap()
                .into_iter()
                .filter(|r| r.object().is_none())
                .map(|r| r.name)
                .collect()
        };
        let closed = "SELECT TYPEOF What WHEN Account THEN Phone WHEN Opportunity THEN Amount END FROM Event";
        assert!(unknown(closed).is_empty());
        assert_eq!(from_objects(closed), ["Account", "Event", "Opportunity"]);
        let open = "SELECT TYPEOF What WHEN Account THEN Phone ELSE Name END FROM Event";
        assert_eq!(unknown(open), ["What"]);
    }

    /// History, share and feed sub-queries read no object of their own; an
    /// old-syntax alias is no relationship.
    #[test]
    fn parent_owned_children_and_from_aliases() {
        let refs = objects("SELECT Id, (SELECT Field FROM Histories) FROM Account").unwrap();
        assert_eq!(refs.len(), 1, "{refs:?}");
        assert_eq!(
            from_objects("SELECT c.Name, a.Name FROM Contact c, c.Account a"),
            ["Account", "Contact"]
        );
    }
}
