//! A property defined through itself, directly (`sfdc.username:
//! "${sfdc.username}"`) or through others (`a: ${b}`, `b: ${a}`): the loop
//! has no value, so whatever reads it is unknown to intguard (who a
//! connection logs in as, which key decrypts a file), and Mule resolves it
//! only where the deployment gives one of its names a value (a system or
//! Runtime Manager property overrides the file's). A `property-cycle`
//! warning at the loop's first definition names every definition in it.

// foldhash: every definition of an app that reads a reference is hashed.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use crate::expr::{contains_pair, placeholder_default, placeholders};
use crate::finding::Diagnostic;
use crate::inventory::resolve::PropertySource;
use crate::inventory::Inventory;
use crate::location::Location;
use crate::path_text::file_name;

use super::{MuleApp, MuleRuntime, PropertyFile};

impl Inventory {
    /// [`MuleApp::reference_cycle_warnings`] of each app kept whole (a
    /// compact app's were given as it was read).
    pub fn reference_cycle_warnings(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for app in self.apps.iter().filter(|a| a.scan_facts.is_none()) {
            app.reference_cycle_warnings(&mut out);
        }
        out
    }
}

/// The definitions that read each other in a loop, and the environments
/// where they do. `members`: a simple loop in its order from its least
/// location; otherwise (loops sharing definitions) by location.
struct Cycle<'a> {
    members: Vec<PropertySource<'a>>,
    simple: bool,
    environments: Vec<Option<&'a str>>,
}

/// How many of a loop's definitions a warning names.
const NAMED: usize = 10;

impl MuleApp {
    /// A `property-cycle` warning for each group of definitions reading
    /// each other in a loop, in the environments where Mule's lookup makes
    /// it one.
    pub fn reference_cycle_warnings(&self, out: &mut Vec<Diagnostic>) {
        // Most apps define nothing through a reference: nothing to walk.
        let lent = self.domain_loan.as_deref().map(|l| l.files.as_slice());
        let defines_through_a_reference = self
            .property_files
            .iter()
            .filter(|f| f.loaded)
            .chain(lent.unwrap_or_default())
            .flat_map(|f| &f.entries)
            .any(|e| reads_a_reference(e.value()))
            || self
                .global_properties
                .iter()
                .any(|g| reads_a_reference(&g.value.raw));
        if !defines_through_a_reference {
            return;
        }
        let environments = self.resolution_environments();
        let mut cycles: Vec<Cycle> = Vec::new();
        let mut seen: HashMap<Vec<*const Location>, usize> = HashMap::new();
        for &env in &environments {
            let starts: Vec<PropertySource> = self
                .definitions_in_order(env)
                .filter(|d| reads_a_reference(d.raw_value()))
                .collect();
            if starts.is_empty() {
                continue;
            }
            let index = Definitions::new(self, env);
            for (members, simple) in index.loops(self, env, &starts) {
                let mut key: Vec<*const Location> = members
                    .iter()
                    .map(|m| m.location() as *const Location)
                    .collect();
                key.sort_unstable();
                match seen.get(&key) {
                    Some(&i) => cycles[i].environments.push(env),
                    None => {
                        seen.insert(key, cycles.len());
                        cycles.push(Cycle {
                            members,
                            simple,
                            environments: vec![env],
                        });
                    }
                }
            }
        }
        // A loop among a lent domain's definitions alone is the domain's:
        // the domain warns of it once, not each app deployed in it.
        let domain_own = |m: &PropertySource| match m {
            PropertySource::File { file, .. } => lent
                .unwrap_or_default()
                .iter()
                .any(|f| std::ptr::eq(f, *file)),
            PropertySource::Global(_) => false,
        };
        cycles.retain(|c| !c.members.iter().all(domain_own));
        cycles.sort_by(|a, b| {
            location_key(a.members[0].location()).cmp(&location_key(b.members[0].location()))
        });
        for cycle in cycles {
            out.push(self.cycle_warning(&cycle, environments.len()));
        }
    }

    /// The definitions Mule can read in `env`, in the order it looks them up
    /// (files, then global-properties, then what a lent domain defines).
    fn definitions_in_order<'a>(
        &'a self,
        env: Option<&'a str>,
    ) -> impl Iterator<Item = PropertySource<'a>> + 'a {
        let own = self.files_in_lookup_order(env).flat_map(file_definitions);
        let globals = self.global_properties.iter().map(PropertySource::Global);
        let lent = self
            .domain_loan
            .as_deref()
            .into_iter()
            .flat_map(move |l| l.files.iter().filter(move |f| domain_file_read_in(f, env)))
            .flat_map(file_definitions);
        own.chain(globals).chain(lent)
    }

    fn cycle_warning(&self, cycle: &Cycle, environment_count: usize) -> Diagnostic {
        let named = |s: &PropertySource| {
            let l = s.location();
            format!("`{}` ({}:{})", s.name(), file_name(&l.path), l.line)
        };
        let first = &cycle.members[0];
        let listed: Vec<String> = cycle.members.iter().take(NAMED).map(named).collect();
        let more = cycle.members.len().saturating_sub(NAMED);
        let how = if cycle.members.len() == 1 {
            format!("{} is defined through itself", named(first))
        } else if cycle.simple {
            let more = if more > 0 {
                format!(" -> ... ({more} more)")
            } else {
                String::new()
            };
            format!(
                "{}{more} -> `{}` read each other in a loop",
                listed.join(" -> "),
                first.name()
            )
        } else {
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!("{}{more} read each other in loops", listed.join(", "))
        };
        let envs: Vec<&str> = cycle.environments.iter().flatten().copied().collect();
        let place = if envs.is_empty() {
            String::new()
        } else if cycle.environments.len() == environment_count && envs.len() > 1 {
            " in every environment".to_string()
        } else {
            format!(" in {}", envs.join(", "))
        };
        let (consequence, fix) = if cycle.members.len() == 1 {
            (
                "it has no value there, so intguard takes whatever reads it as unknown, and Mule resolves it only where the deployment sets it",
                "give it a value, or delete it if the deployment always sets it",
            )
        } else {
            (
                "none of them has a value there, so intguard takes whatever reads them as unknown, and Mule resolves them only where the deployment sets one",
                "give one of them a value, or delete those the deployment always sets",
            )
        };
        let at = first.location();
        Diagnostic::warning(
            "property-cycle",
            at.path.as_str(),
            format!(
                "{}: {how}{place}: {consequence} (a system or Runtime Manager property overrides the file's); {fix}",
                self.name
            ),
        )
        .at(at.line, at.column)
    }
}

/// A file's definitions as a lookup meets them: its last definition of a
/// name is the one read, and an entry Mule does not read is none.
fn file_definitions(file: &PropertyFile) -> impl Iterator<Item = PropertySource<'_>> {
    file.entries
        .iter()
        .rev()
        .filter(|e| !e.is_unread())
        .map(move |entry| PropertySource::File { file, entry })
}

/// Whether a lent domain's file is read in `env`, as [`MuleApp::lookup`]
/// reads them.
fn domain_file_read_in(f: &PropertyFile, env: Option<&str>) -> bool {
    env.is_none() || f.environment.is_none() || f.environment.as_deref() == env
}

/// `${...}`, or a `#[p('...')]` (what [`placeholders`] finds): one
/// search for both, as every definition of every app is asked.
fn reads_a_reference(raw: &str) -> bool {
    let b = raw.as_bytes();
    memchr::memchr2_iter(b'$', b'#', b).any(|i| {
        matches!(
            (b[i], b.get(i + 1)),
            (b'$', Some(b'{')) | (b'#', Some(b'['))
        )
    })
}

fn location_key(l: &Location) -> (&str, u32, u32) {
    (l.path.as_str(), l.line, l.column)
}

/// The definition of each name in one environment, as
/// [`MuleApp::lookup`] finds it, made once so that a pass over every
/// definition stays linear in their number. Not `lookup` itself: it walks
/// global-properties and a lent domain's files (its key index covers large
/// property files only), and 20,000 global-properties reading each other
/// took 0.81 s through it against 0.04 s here.
struct Definitions<'a> {
    plain: HashMap<&'a str, PropertySource<'a>>,
    secure: HashMap<&'a str, PropertySource<'a>>,
}

impl<'a> Definitions<'a> {
    fn new(app: &'a MuleApp, env: Option<&'a str>) -> Self {
        // `${secure::x}` reads secure files only; `${x}` the others, and on
        // Mule 3 the secure ones too.
        let mule3 = app.runtime == MuleRuntime::Mule3;
        let mut plain = HashMap::new();
        let mut secure = HashMap::new();
        for d in app.definitions_in_order(env) {
            match d {
                PropertySource::File { file, entry } => {
                    if file.secure {
                        secure.entry(entry.key()).or_insert(d);
                    }
                    if file.read_by(false) || mule3 {
                        plain.entry(entry.key()).or_insert(d);
                    }
                }
                // What no file defines (global-properties come before the
                // domain's files in the order).
                PropertySource::Global(g) => {
                    plain.entry(g.name.as_str()).or_insert(d);
                }
            }
        }
        Definitions { plain, secure }
    }

    fn get(&self, name: &str, secure: bool) -> Option<PropertySource<'a>> {
        if secure { &self.secure } else { &self.plain }
            .get(name)
            .copied()
    }

    /// Whether `d` is what a lookup of its own name finds.
    fn is_read(&self, d: &PropertySource<'a>) -> bool {
        [false, true]
            .into_iter()
            .filter_map(|secure| self.get(d.name(), secure))
            .any(|found| std::ptr::eq(found.location(), d.location()))
    }

    /// The definitions `raw` reads in `env`: each reference's, and where a
    /// reference has none, what its default reads.
    fn read_by(
        &self,
        app: &'a MuleApp,
        raw: &str,
        env: Option<&str>,
        out: &mut Vec<PropertySource<'a>>,
    ) {
        let mut last = 0;
        for ph in placeholders(raw) {
            if ph.start < last {
                continue;
            }
            last = ph.end;
            if env.is_some_and(|e| !ph.secure && app.names_environment(&ph.name, e)) {
                continue;
            }
            let name = if ph.is_nested() {
                match self.nested_name(app, &ph.name, env) {
                    Some(name) => name,
                    None => continue,
                }
            } else {
                ph.name.clone()
            };
            match self.get(&name, ph.secure) {
                Some(d) => out.push(d),
                None => {
                    if let Some(default) = raw.get(ph.start..ph.end).and_then(placeholder_default) {
                        self.read_by(app, default, env, out);
                    }
                }
            }
        }
    }

    /// The name a nested reference reads in `env`, as
    /// [`MuleApp::nested_name`] gives it: its inner references looked up
    /// here, so that many nested names (each asking for `mule.env`) cost
    /// one lookup each, not a walk over every definition; the resolver's
    /// own where an inner reference is not a plain one of a plain value.
    fn nested_name(&self, app: &'a MuleApp, pattern: &str, env: Option<&str>) -> Option<String> {
        let resolver = || app.nested_name(pattern, env, 0, &mut 0);
        if contains_pair(pattern, b"#[") {
            return resolver();
        }
        let mut out = String::with_capacity(pattern.len());
        let mut last = 0;
        for ph in placeholders(pattern) {
            if ph.start < last {
                continue;
            }
            out.push_str(&pattern[last..ph.start]);
            last = ph.end;
            if let Some(e) = env.filter(|e| !ph.secure && app.names_environment(&ph.name, e)) {
                out.push_str(e);
                continue;
            }
            if ph.is_nested() || placeholder_default(&pattern[ph.start..ph.end]).is_some() {
                return resolver();
            }
            match self.get(&ph.name, ph.secure) {
                Some(d) if !reads_a_reference(d.raw_value()) => out.push_str(d.raw_value()),
                Some(_) => return resolver(),
                None => return None,
            }
        }
        out.push_str(&pattern[last..]);
        Some(out)
    }

    /// The groups of definitions (read from `starts`) that read each other
    /// in a loop: the strongly connected components of what reads what
    /// (Tarjan's, without recursion: a chain of many definitions must not
    /// overflow the stack), each with more than one definition or one
    /// reading itself; and whether it is one simple loop.
    fn loops(
        &self,
        app: &'a MuleApp,
        env: Option<&str>,
        starts: &[PropertySource<'a>],
    ) -> Vec<(Vec<PropertySource<'a>>, bool)> {
        let mut g = Walk::default();
        let mut out = Vec::new();
        for start in starts.iter().filter(|s| self.is_read(s)) {
            if g.ids.contains_key(&(start.location() as *const Location)) {
                continue;
            }
            let first = g.visit(*start, |d, reads| {
                self.read_by(app, d.raw_value(), env, reads)
            });
            // Each frame: a definition and how many of what it reads are done.
            let mut frames: Vec<(usize, usize)> = vec![(first, 0)];
            while let Some(&mut (v, ref mut next)) = frames.last_mut() {
                if let Some(&w) = g.reads[v].get(*next) {
                    *next += 1;
                    let w_id = g.ids.get(&(w.location() as *const Location)).copied();
                    match w_id {
                        None => {
                            let w =
                                g.visit(w, |d, reads| self.read_by(app, d.raw_value(), env, reads));
                            frames.push((w, 0));
                        }
                        Some(w) if g.on_stack[w] => g.low[v] = g.low[v].min(g.index[w]),
                        Some(_) => {}
                    }
                    continue;
                }
                frames.pop();
                if let Some(&(parent, _)) = frames.last() {
                    g.low[parent] = g.low[parent].min(g.low[v]);
                }
                if g.low[v] == g.index[v] {
                    if let Some(found) = g.component(v) {
                        out.push(found);
                    }
                }
            }
        }
        out
    }
}

/// Tarjan's bookkeeping over the definitions met, by the order met.
#[derive(Default)]
struct Walk<'a> {
    ids: HashMap<*const Location, usize>,
    nodes: Vec<PropertySource<'a>>,
    /// What each reads (each definition once).
    reads: Vec<Vec<PropertySource<'a>>>,
    index: Vec<usize>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
}

impl<'a> Walk<'a> {
    fn visit(
        &mut self,
        d: PropertySource<'a>,
        read_by: impl FnOnce(&PropertySource<'a>, &mut Vec<PropertySource<'a>>),
    ) -> usize {
        let id = self.nodes.len();
        let mut reads = Vec::new();
        read_by(&d, &mut reads);
        let mut once = HashSet::new();
        reads.retain(|r| once.insert(r.location() as *const Location));
        self.ids.insert(d.location(), id);
        self.nodes.push(d);
        self.reads.push(reads);
        self.index.push(id);
        self.low.push(id);
        self.on_stack.push(true);
        self.stack.push(id);
        id
    }

    /// The component whose root is `v`, popped off the stack: its
    /// definitions (a simple loop in its order from its least location,
    /// otherwise by location) and whether it is a simple loop; `None` when
    /// it is one definition that does not read itself.
    fn component(&mut self, v: usize) -> Option<(Vec<PropertySource<'a>>, bool)> {
        let mut members = Vec::new();
        loop {
            let w = self.stack.pop().expect("the root is on the stack");
            self.on_stack[w] = false;
            members.push(w);
            if w == v {
                break;
            }
        }
        let ptr = |i: usize| self.nodes[i].location() as *const Location;
        let inside: HashSet<*const Location> = members.iter().map(|&m| ptr(m)).collect();
        let next_inside = |m: usize| -> Vec<usize> {
            self.reads[m]
                .iter()
                .filter(|r| inside.contains(&(r.location() as *const Location)))
                .map(|r| self.ids[&(r.location() as *const Location)])
                .collect()
        };
        if members.len() == 1 && !next_inside(v).contains(&v) {
            return None;
        }
        let least = *members
            .iter()
            .min_by_key(|&&m| location_key(self.nodes[m].location()))
            .expect("not empty");
        // One loop: each reads exactly one other of the group.
        let simple = members.iter().all(|&m| next_inside(m).len() == 1);
        let order: Vec<usize> = if simple {
            let mut order = vec![least];
            while order.len() < members.len() {
                let next = next_inside(*order.last().expect("not empty"))[0];
                order.push(next);
            }
            order
        } else {
            let mut sorted = members;
            sorted.sort_by_key(|&m| location_key(self.nodes[m].location()));
            sorted
        };
        Some((order.into_iter().map(|m| self.nodes[m]).collect(), simple))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::Value;
    use crate::inventory::mule::{DomainLoan, GlobalProperty, PropertyEntry, PropertyFormat};

    fn entry(key: &str, value: &str, path: &str, line: u32) -> PropertyEntry {
        PropertyEntry::new(key, value, Location::new(path, line, 3))
    }

    fn file(path: &str, env: Option<&str>, secure: bool, entries: &[(&str, &str)]) -> PropertyFile {
        PropertyFile {
            path: path.into(),
            format: PropertyFormat::Yaml,
            environment: env.map(str::to_string),
            secure,
            plain_too: false,
            loaded: true,
            entries: entries
                .iter()
                .enumerate()
                .map(|(i, (k, v))| entry(k, v, path, i as u32 + 1))
                .collect(),
            split_values: Vec::new(),
        }
    }

    fn global(name: &str, value: &str, line: u32) -> GlobalProperty {
        let at = Location::new("global.xml", line, 5);
        GlobalProperty {
            name: name.into(),
            value: Value::new(value, at.clone()),
            location: at,
        }
    }

    fn app(runtime: MuleRuntime, files: Vec<PropertyFile>) -> MuleApp {
        let mut app = MuleApp::new("orders", "orders", runtime);
        app.environments = vec!["dev".into(), "prod".into()].into();
        app.property_files = files.into();
        app
    }

    /// An app whose file `path` defines `k0` .. `k{n-1}`, each reading the
    /// next and the last the first.
    fn ring(n: usize, path: &str) -> MuleApp {
        let entries: Vec<(String, String)> = (0..n)
            .map(|i| (format!("k{i}"), format!("${{k{}}}", (i + 1) % n)))
            .collect();
        let pairs: Vec<(&str, &str)> = entries
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        app(MuleRuntime::Mule4, vec![file(path, None, false, &pairs)])
    }

    fn warnings(app: &MuleApp) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        app.reference_cycle_warnings(&mut out);
        out
    }

    /// Where each warning is and the loop it names, as `path:line` and the
    /// message's part before the environments.
    fn places(app: &MuleApp) -> Vec<String> {
        warnings(app)
            .iter()
            .map(|d| {
                assert_eq!(d.code, "property-cycle");
                let loop_ = d.message.split(" read each other").next().unwrap();
                let loop_ = loop_.split(" is defined through").next().unwrap();
                format!("{}:{} {}", d.path, d.line.unwrap(), loop_)
            })
            .collect()
    }

    /// The index answers every name, in every environment, secure or not,
    /// as `lookup` does: the files' order, the last definition in a file,
    /// unread entries skipped, global-properties, Mule 3's secure files
    /// read by `${x}`, a lent domain's files last.
    #[test]
    fn the_index_finds_what_lookup_finds() {
        let files = || {
            vec![
                file(
                    "common.yaml",
                    None,
                    false,
                    &[("a", "1"), ("b", "2"), ("a", "3"), ("u", "4"), ("g", "5")],
                ),
                file("dev.yaml", Some("dev"), false, &[("b", "6"), ("s", "7")]),
                file("prod.yaml", Some("prod"), false, &[("c", "8")]),
                file(
                    "dev-secure.yaml",
                    Some("dev"),
                    true,
                    &[("s", "9"), ("p", "10")],
                ),
                file("secure.yaml", None, true, &[("p", "11"), ("q", "12")]),
            ]
        };
        let mut mule4 = app(MuleRuntime::Mule4, files());
        let mut mule3 = app(MuleRuntime::Mule3, files());
        for app in [&mut mule4, &mut mule3] {
            app.property_files[0].entries[3].mark_unread();
            app.global_properties = vec![
                global("g", "x", 3),
                global("h", "y", 4),
                global("h", "z", 5),
            ]
            .into();
            app.domain_loan = Some(Box::new(DomainLoan {
                files: vec![
                    file("domain.yaml", None, false, &[("d", "1"), ("h", "2")]),
                    file("domain-qa.yaml", Some("qa"), false, &[("e", "3")]),
                    file("domain-secure.yaml", None, true, &[("f", "4")]),
                ],
                environments: vec!["qa".to_string()].into(),
                environment_placeholders: Default::default(),
            }));
        }
        let names = [
            "a", "b", "c", "d", "e", "f", "g", "h", "p", "q", "s", "u", "nothing",
        ];
        let mut found = 0;
        for app in [&mule4, &mule3] {
            for env in [None, Some("dev"), Some("prod"), Some("qa")] {
                let index = Definitions::new(app, env);
                for name in names {
                    for secure in [false, true] {
                        let by_lookup = app.lookup(name, secure, env).map(|s| s.location());
                        let by_index = index.get(name, secure).map(|s| s.location());
                        assert_eq!(by_index, by_lookup, "{name} secure {secure} in {env:?}");
                        found += usize::from(by_lookup.is_some());
                    }
                }
            }
        }
        // Not a comparison of nothings: most names are found somewhere.
        assert!(found > 60, "{found}");
    }

    /// A definition through itself, a loop of two, a loop in one
    /// environment only, a loop through a nested name and one through a
    /// default: each warned once, at its first definition, naming its
    /// members; where a loop is closed only in some environments, those.
    #[test]
    fn loops_are_warned_at_their_first_definition() {
        let app = app(
            MuleRuntime::Mule4,
            vec![
                file(
                    "common.yaml",
                    None,
                    false,
                    &[
                        ("sfdc.username", "${sfdc.username}"),
                        ("b", "x${c}"),
                        ("c", "${d}-${b}"),
                        ("d", "fine"),
                        ("e", "${mule.env}.f"),
                        ("dev.f", "${${mule.env}.f}"),
                        ("g", "${missing:${g}}"),
                    ],
                ),
                file(
                    "dev.yaml",
                    Some("dev"),
                    false,
                    &[("h", "${i}"), ("i", "${h}")],
                ),
                file(
                    "prod.yaml",
                    Some("prod"),
                    false,
                    &[("h", "${i}"), ("i", "set")],
                ),
            ],
        );
        let mut app = app;
        app.environment_placeholders = vec![
            ("dev".to_string(), "mule.env".to_string()),
            ("prod".to_string(), "mule.env".to_string()),
        ]
        .into();
        let found = places(&app);
        assert_eq!(
            found,
            [
                "common.yaml:1 orders: `sfdc.username` (common.yaml:1)",
                "common.yaml:2 orders: `b` (common.yaml:2) -> `c` (common.yaml:3) -> `b`",
                "common.yaml:6 orders: `dev.f` (common.yaml:6)",
                "common.yaml:7 orders: `g` (common.yaml:7)",
                "dev.yaml:1 orders: `h` (dev.yaml:1) -> `i` (dev.yaml:2) -> `h`",
            ],
            "{found:#?}"
        );
        let messages: Vec<String> = warnings(&app).into_iter().map(|d| d.message).collect();
        assert!(
            messages[0].contains("is defined through itself in every environment: it has no value"),
            "{}",
            messages[0]
        );
        assert!(
            messages[4].contains(" in dev: none of them"),
            "{}",
            messages[4]
        );
        // `dev.f` loops where the environment names it, dev.
        assert!(messages[2].contains(" in dev: "), "{}", messages[2]);
    }

    /// What reads a definition more than once without a loop (a diamond,
    /// a chain) is no loop; nor the environment's own placeholder.
    #[test]
    fn definitions_read_twice_are_no_loop() {
        let mut app = app(
            MuleRuntime::Mule4,
            vec![file(
                "common.yaml",
                None,
                false,
                &[
                    ("a", "${b}${c}"),
                    ("b", "${d}"),
                    ("c", "${d}${d}"),
                    ("d", "${e}"),
                    ("e", "end"),
                    ("mule.env", "${mule.env}"),
                    ("file", "${mule.env}.yaml"),
                ],
            )],
        );
        app.environment_placeholders = vec![
            ("dev".to_string(), "mule.env".to_string()),
            ("prod".to_string(), "mule.env".to_string()),
        ]
        .into();
        assert_eq!(places(&app), Vec::<String>::new());
        // Without environments, `mule.env` reads itself.
        app.environments = Default::default();
        app.environment_placeholders = Default::default();
        assert_eq!(
            places(&app),
            ["common.yaml:6 orders: `mule.env` (common.yaml:6)"]
        );
    }

    /// Loops sharing definitions are one group, named by location; a
    /// definition reading one of them without being read back is none of
    /// it; a long loop names its first ten.
    #[test]
    fn loops_sharing_definitions_are_one_warning() {
        let shared = app(
            MuleRuntime::Mule4,
            vec![file(
                "common.yaml",
                None,
                false,
                &[
                    ("c", "${a}"),
                    ("a", "${b}${c}${b}"),
                    ("b", "${a}${b}"),
                    ("outside", "${a}"),
                ],
            )],
        );
        let found = warnings(&shared);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].message.starts_with(
                "orders: `c` (common.yaml:1), `a` (common.yaml:2), `b` (common.yaml:3) read each other in loops in every environment"
            ),
            "{}",
            found[0].message
        );
        let found = warnings(&ring(25, "loop.yaml"));
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .message
                .contains("`k9` (loop.yaml:10) -> ... (15 more) -> `k0` read each other in a loop"),
            "{}",
            found[0].message
        );
    }

    /// Nested names read through the index are those the resolver gives:
    /// the environment's placeholder, a plain value, a value with
    /// references, a default, an undefined name, a `#[p()]`.
    #[test]
    fn nested_names_are_the_resolvers() {
        let mut app = app(
            MuleRuntime::Mule4,
            vec![
                file(
                    "common.yaml",
                    None,
                    false,
                    &[
                        ("region", "eu"),
                        ("zone", "${region}-1"),
                        ("mule.env", "local"),
                    ],
                ),
                file("dev.yaml", Some("dev"), false, &[("region", "us")]),
                file("s.yaml", None, true, &[("tenant", "t9")]),
            ],
        );
        app.environment_placeholders = vec![("dev".to_string(), "mule.env".to_string())].into();
        let patterns = [
            "${mule.env}.sf.user",
            "${region}.${mule.env}.key",
            "${zone}.key",
            "${missing}.key",
            "${missing:dflt}.key",
            "${secure::tenant}.key",
            "${tenant}.key",
            "#[p('region')].key",
            "x${${mule.env}.y}z",
        ];
        let mut known = 0;
        for env in [None, Some("dev"), Some("prod")] {
            let index = Definitions::new(&app, env);
            for pattern in patterns {
                let expected = app.nested_name(pattern, env, 0, &mut 0);
                known += usize::from(expected.is_some());
                assert_eq!(
                    index.nested_name(&app, pattern, env),
                    expected,
                    "{pattern} in {env:?}"
                );
            }
        }
        assert!(known >= 12, "{known}");
    }

    /// A loop among the definitions a domain lends an app is the domain's
    /// own (it warns of it once): not warned for the app; one through the
    /// app's definitions and the domain's is.
    #[test]
    fn a_loop_of_the_domain_alone_is_left_to_the_domain() {
        let mut app = app(
            MuleRuntime::Mule4,
            vec![file(
                "app.yaml",
                None,
                false,
                &[("x", "${dx}"), ("y", "${d1}")],
            )],
        );
        app.domain_loan = Some(Box::new(DomainLoan {
            files: vec![file(
                "domain.yaml",
                None,
                false,
                &[("d1", "${d2}"), ("d2", "${d1}"), ("dx", "${x}")],
            )],
            environments: Default::default(),
            environment_placeholders: Default::default(),
        }));
        assert_eq!(
            places(&app),
            ["app.yaml:1 orders: `x` (app.yaml:1) -> `dx` (domain.yaml:3) -> `x`"]
        );
    }

    /// A chain of 100,000 definitions ending in a loop: walked without
    /// recursion, the loop found once.
    #[test]
    fn a_long_chain_is_walked_without_recursion() {
        let found = warnings(&ring(100_000, "long.yaml"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, Some(1));
        assert!(found[0]
            .message
            .starts_with("orders: `k0` (long.yaml:1) -> `k1` (long.yaml:2) -> "));
    }
}
