//! What a switch asks of an app's property definitions and its files, found
//! once: which files define a name, the `<global-property>` of a name, the
//! names the app's definitions and XML read, and how a YAML file writes its
//! keys. Asked per connection by walking every definition (or every line of
//! the file), planning an app of thousands of connections took time in their
//! square: 18.5 s for 4,000.

use std::collections::{HashMap, HashSet};

use intguard_model::expr::placeholders;
use intguard_model::{GlobalProperty, MuleApp, PropertyFile};

use crate::secrets::in_test_sources;

use super::login::decode_quotes;

/// One property file defining a name.
#[derive(Clone, Copy)]
pub(super) struct Definition {
    /// The file's index in the app's `property_files`.
    pub(super) file: usize,
    /// The index of its first entry of the name.
    pub(super) first: usize,
    /// Some entry of the name in it is read (not `is_unread`).
    pub(super) read: bool,
}

/// An app's property definitions, by name.
pub(super) struct AppIndex<'a> {
    app: &'a MuleApp,
    /// The files defining each name, in the app's order of files, each once.
    by_key: HashMap<&'a str, Vec<Definition>>,
    /// The first `<global-property>` of each name outside test sources.
    globals: HashMap<&'a str, &'a GlobalProperty>,
}

impl<'a> AppIndex<'a> {
    pub(super) fn new(app: &'a MuleApp) -> Self {
        let mut by_key: HashMap<&'a str, Vec<Definition>> = HashMap::new();
        for (file, f) in app.property_files.iter().enumerate() {
            for (i, e) in f.entries.iter().enumerate() {
                let defs = by_key.entry(e.key()).or_default();
                match defs.last_mut() {
                    Some(d) if d.file == file => d.read |= !e.is_unread(),
                    _ => defs.push(Definition {
                        file,
                        first: i,
                        read: !e.is_unread(),
                    }),
                }
            }
        }
        let mut globals: HashMap<&'a str, &'a GlobalProperty> = HashMap::new();
        for g in app
            .global_properties
            .iter()
            .filter(|g| !in_test_sources(&g.location.path))
        {
            globals.entry(g.name.as_str()).or_insert(g);
        }
        AppIndex {
            app,
            by_key,
            globals,
        }
    }

    /// The files defining `name` (an entry of that key), in the app's order.
    pub(super) fn definitions(&self, name: &str) -> &[Definition] {
        self.by_key.get(name).map_or(&[], Vec::as_slice)
    }

    /// The files defining `name`, with the definition.
    pub(super) fn files_defining(
        &self,
        name: &str,
    ) -> impl Iterator<Item = (&'a PropertyFile, Definition)> + '_ {
        let files = &self.app.property_files;
        self.definitions(name)
            .iter()
            .map(move |d| (&files[d.file], *d))
    }

    /// Whether some property file of the app defines `name`.
    pub(super) fn is_defined(&self, name: &str) -> bool {
        self.by_key.contains_key(name)
    }

    /// The `<global-property>` setting `name`, outside test sources (the
    /// first, as Mule's lookup finds it).
    pub(super) fn global(&self, name: &str) -> Option<&'a GlobalProperty> {
        self.globals.get(name).copied()
    }

    /// The indices of the files defining any of `names`.
    pub(super) fn files_defining_any<'n>(
        &self,
        names: impl IntoIterator<Item = &'n String>,
    ) -> HashSet<usize> {
        names
            .into_iter()
            .flat_map(|n| self.definitions(n).iter().map(|d| d.file))
            .collect()
    }
}

/// The names an app reads: in its XML (outside test sources) and in its
/// property definitions' values.
pub(super) struct AppReads {
    /// Read in the XML as it will be (the start tags rewritten left out).
    xml: HashSet<String>,
    /// Read by some definition's value, not the name's own (a definition
    /// reading itself from the secure files, `sfdc.password:
    /// ${secure::sfdc.password}`, is no reader).
    by_values: HashSet<String>,
}

impl AppReads {
    /// `xml_texts`: the app's XML files as they will be.
    pub(super) fn new<'t>(app: &MuleApp, xml_texts: impl IntoIterator<Item = &'t str>) -> Self {
        let xml = xml_texts
            .into_iter()
            .flat_map(|t| placeholders(&decode_quotes(t)))
            .map(|p| p.name)
            .collect();
        let mut by_values = HashSet::new();
        for e in app.property_files.iter().flat_map(|f| &f.entries) {
            for p in placeholders(&decode_quotes(e.value())) {
                if p.name != e.key() {
                    by_values.insert(p.name);
                }
            }
        }
        AppReads { xml, by_values }
    }

    /// Some XML element or another definition reads `name`.
    pub(super) fn reads(&self, name: &str) -> bool {
        self.xml.contains(name) || self.by_values.contains(name)
    }
}

/// How a YAML file writes its keys, read once for every key added to it.
pub(super) struct YamlStyle {
    /// The keys of its lines (not comments or sequence items), as written.
    keys: HashSet<String>,
    /// It nests no key and writes some dotted one.
    dotted: bool,
}

impl YamlStyle {
    pub(super) fn of(text: &str) -> Self {
        let mut keys = HashSet::new();
        let mut nests = false;
        let mut any_dotted = false;
        for l in text.lines() {
            let key = key_of(l);
            let t = l.trim_end();
            if !(t.trim_start().starts_with('#') || t.is_empty()) {
                nests |= t.ends_with(':');
                any_dotted |= key_of(t).is_some_and(|k| k.contains('.'));
            }
            if let Some(k) = key {
                keys.insert(k);
            }
        }
        YamlStyle {
            keys,
            dotted: !nests && any_dotted,
        }
    }

    /// Whether the file writes its keys dotted (`sfdc.username: ...`) rather
    /// than nested: it writes `user_property` so, or it nests nothing and
    /// writes a dotted key.
    pub(super) fn dotted(&self, user_property: Option<&str>) -> bool {
        user_property.is_some_and(|n| n.contains('.') && self.keys.contains(n)) || self.dotted
    }
}

/// The key a YAML line writes, quotes trimmed (`None`: a comment, a
/// sequence item, no `:`).
fn key_of(line: &str) -> Option<String> {
    let t = line.trim_start();
    if t.starts_with('#') || t.starts_with('-') {
        return None;
    }
    let (key, _) = t.split_once(':')?;
    Some(key.trim().trim_matches(['"', '\'']).to_string())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use intguard_model::expr::placeholders;
    use intguard_model::{Inventory, MuleApp};

    use super::{AppIndex, AppReads, YamlStyle};
    use crate::jwt::login::decode_quotes;
    use crate::secrets::in_test_sources;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// An app whose definitions take every path of the index: names in
    /// several files, a YAML mapping written twice (the entries of its first
    /// unread), unloaded and secure files, `<global-property>` elements (one
    /// in test sources, one written twice), values reading other names and
    /// themselves, and XML reading names in each syntax.
    fn app() -> (tempfile::TempDir, Inventory) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("app");
        write(
            &root,
            "pom.xml",
            "<project><artifactId>app</artifactId><packaging>mule-application</packaging></project>\n",
        );
        write(
            &root,
            "mule-artifact.json",
            "{\"minMuleVersion\":\"4.4.0\"}\n",
        );
        write(
            &root,
            "src/main/mule/global.xml",
            r##"<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce" xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties">
<configuration-properties file="${mule.env}.yaml"/>
<configuration-properties file="common.properties"/>
<secure-properties:config name="SP" file="${mule.env}-secure.yaml" key="${key}"/>
<global-property name="g.one" value="1"/>
<global-property name="g.one" value="2"/>
<global-property name="sf.url" value="https://login.salesforce.com"/>
<salesforce:sfdc-config name="SF"><salesforce:basic-connection username="${sf.user}" password="${secure::sf.password}" url="${sf.url}"/></salesforce:sfdc-config>
<flow name="f"><logger message="#[p('logged')] #[Mule::p(&quot;quoted&quot;)] ${a.b}"/></flow>
</mule>
"##,
        );
        write(
            &root,
            "src/test/munit/t.xml",
            r#"<mule xmlns="http://www.mulesoft.org/schema/mule/core"><global-property name="g.test" value="t"/><global-property name="g.one" value="t"/><logger message="${only.in.tests}"/></mule>
"#,
        );
        write(
            &root,
            "src/main/resources/dev.yaml",
            "sf:\n  user: \"u@acme.com.dev\"\n  only.first: \"f\"\na:\n  b: \"${sf.user}\"\n  self: \"${a.self}\"\nsf:\n  user: \"again@acme.com.dev\"\n",
        );
        write(
            &root,
            "src/main/resources/qa.yaml",
            "sf:\n  user: \"u@acme.com.qa\"\nshared: \"q\"\n",
        );
        write(
            &root,
            "src/main/resources/common.properties",
            "shared=c\nsf.url=https://test.salesforce.com\nchain=${shared}-${secure::sf.password}\n",
        );
        write(
            &root,
            "src/main/resources/dev-secure.yaml",
            "sf:\n  password: \"${secure::sf.password}\"\n",
        );
        // `sf.user` twice, neither read: the mapping is written again, then as
        // a scalar.
        write(
            &root,
            "src/main/resources/other/unloaded.yaml",
            "sf:\n  user: \"x\"\nsf:\n  user: \"y\"\nsf: \"z\"\nextra: \"e\"\n",
        );
        write(
            &root,
            "src/main/resources/other/more.properties",
            "sf.user=m\nshared=m\n",
        );
        let inventory = intguard_readers::read_paths(&[root], &Default::default());
        (dir, inventory)
    }

    fn the_app(inventory: &Inventory) -> &MuleApp {
        inventory.apps.iter().find(|a| a.name == "app").unwrap()
    }

    /// Every name of the app's definitions and `<global-property>` elements,
    /// and some no file has.
    fn names(app: &MuleApp) -> BTreeSet<String> {
        let mut names: BTreeSet<String> = app
            .property_files
            .iter()
            .flat_map(|f| f.entries.iter().map(|e| e.key().to_string()))
            .chain(app.global_properties.iter().map(|g| g.name.clone()))
            .collect();
        names.extend(["absent", "sf", "", "logged", "quoted"].map(String::from));
        names
    }

    /// The index answers what walking every definition answered before it.
    #[test]
    fn the_index_answers_what_walking_the_definitions_answers() {
        let (_dir, inventory) = app();
        let app = the_app(&inventory);
        // What the fixture must hold for the comparison to mean anything.
        let entries = app.property_files.iter().flat_map(|f| &f.entries);
        assert!(entries.clone().any(|e| e.is_unread()), "no unread entry");
        assert!(
            app.property_files.len() >= 6,
            "{}",
            app.property_files.len()
        );
        assert!(app.property_files.iter().any(|f| !f.loaded));
        assert!(app.property_files.iter().any(|f| f.secure));
        assert!(app
            .global_properties
            .iter()
            .any(|g| in_test_sources(&g.location.path)));
        let index = AppIndex::new(app);
        for name in names(app) {
            let walked: Vec<(usize, usize, bool)> = app
                .property_files
                .iter()
                .enumerate()
                .filter_map(|(i, f)| {
                    let first = f.entries.iter().position(|e| e.key() == name)?;
                    let read = f.entries.iter().any(|e| e.key() == name && !e.is_unread());
                    Some((i, first, read))
                })
                .collect();
            let indexed: Vec<(usize, usize, bool)> = index
                .definitions(&name)
                .iter()
                .map(|d| (d.file, d.first, d.read))
                .collect();
            assert_eq!(indexed, walked, "{name}");
            assert_eq!(index.is_defined(&name), !walked.is_empty(), "{name}");
            let global = app
                .global_properties
                .iter()
                .find(|g| g.name == name && !in_test_sources(&g.location.path));
            assert_eq!(
                index.global(&name).map(|g| &g.location),
                global.map(|g| &g.location),
                "{name}"
            );
        }
        let reads: BTreeSet<String> = ["shared", "sf.user", "absent"].map(String::from).into();
        let walked: BTreeSet<usize> = app
            .property_files
            .iter()
            .enumerate()
            .filter(|(_, f)| f.entries.iter().any(|e| reads.contains(e.key())))
            .map(|(i, _)| i)
            .collect();
        let indexed: BTreeSet<usize> = index.files_defining_any(&reads).into_iter().collect();
        assert_eq!(indexed, walked);
    }

    /// Whether `text` reads `name`, as `fix jwt` asked it of each text before.
    fn read_in(text: &str, name: &str) -> bool {
        text.contains(name)
            && placeholders(&decode_quotes(text))
                .iter()
                .any(|p| p.name == name)
    }

    /// What the app reads, found once, is what asking each XML text and
    /// definition value found.
    #[test]
    fn reads_found_once_are_those_of_each_text() {
        let (_dir, inventory) = app();
        let app = the_app(&inventory);
        let texts: Vec<String> = app
            .xml_files
            .iter()
            .filter(|x| !in_test_sources(x))
            .map(|x| std::fs::read_to_string(crate::file_at(x)).unwrap())
            .collect();
        assert!(!texts.is_empty());
        let reads = AppReads::new(app, texts.iter().map(String::as_str));
        let mut read = 0;
        for name in names(app)
            .into_iter()
            .chain(["a.self", "key", "only.in.tests"].map(String::from))
        {
            let walked = texts.iter().any(|t| read_in(t, &name))
                || app
                    .property_files
                    .iter()
                    .flat_map(|f| &f.entries)
                    .any(|e| e.key() != name && read_in(e.value(), &name));
            assert_eq!(reads.reads(&name), walked, "{name}");
            read += usize::from(walked);
        }
        // Read in the XML in each syntax, by another value, and not by itself.
        for name in ["logged", "quoted", "sf.user", "shared", "sf.url"] {
            assert!(reads.reads(name), "{name}");
        }
        for name in ["a.self", "only.in.tests", "extra"] {
            assert!(!reads.reads(name), "{name}");
        }
        assert!(read >= 5);
    }

    /// How a YAML file writes its keys, as `fix jwt` read it from the whole
    /// text for each key added before.
    fn dotted_style(text: &str, user_property: Option<&str>) -> bool {
        let key_of = |line: &str| -> Option<String> {
            let t = line.trim_start();
            if t.starts_with('#') || t.starts_with('-') {
                return None;
            }
            let (key, _) = t.split_once(':')?;
            Some(key.trim().trim_matches(['"', '\'']).to_string())
        };
        if let Some(name) = user_property.filter(|n| n.contains('.')) {
            if text.lines().any(|l| key_of(l).as_deref() == Some(name)) {
                return true;
            }
        }
        let mut any_dotted = false;
        for l in text.lines() {
            let t = l.trim_end();
            if t.trim_start().starts_with('#') || t.is_empty() {
                continue;
            }
            if t.ends_with(':') {
                return false;
            }
            any_dotted |= key_of(t).is_some_and(|k| k.contains('.'));
        }
        any_dotted
    }

    #[test]
    fn yaml_styles_are_those_of_reading_the_whole_text() {
        let texts = [
            "a: 1\nsf.user: u\n",
            "sf:\n  user: u\n",
            "sf.user: u\nhttp:\n  port: 1\n",
            "# c\nsf.pw: x\n",
            "sf:\n  pw: x\nhttp.port: 1\n",
            "http.port: 1\nsf:\n  pw: x\n",
            "",
            "a: 1\n",
            "\"sf.user\": u\r\n'x.y': 2\r\n",
            "- sf.user: u\n  # sf.user: v\nsf.user:   \n",
            "  sf.user : u\n#sf:\n\t\n",
            "k: |\n  sf.user: inside a block\n",
        ];
        let users = [
            None,
            Some("sf.user"),
            Some("user"),
            Some("x.y"),
            Some("http.port"),
        ];
        let mut dotted = 0;
        for text in texts {
            let style = YamlStyle::of(text);
            for user in users {
                let expected = dotted_style(text, user);
                assert_eq!(style.dotted(user), expected, "{text:?} {user:?}");
                dotted += usize::from(expected);
            }
        }
        // Both answers are met.
        assert!(
            dotted > 5 && dotted < texts.len() * users.len() - 5,
            "{dotted}"
        );
    }
}
