//! Bad input never panics: each case becomes a diagnostic with path and
//! position, and the rest of the scan goes on. Trees are generated in temp
//! directories.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};

use common::pos_in;
use intguard_model::{Diagnostic, Inventory};
use intguard_readers::{read_paths, ReadOptions};

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
"#;

fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(&p, bytes).unwrap();
    p
}

/// A Mule 4 app at `root/app`.
fn app(root: &Path) {
    write(
        root,
        "app/mule-artifact.json",
        r#"{"minMuleVersion":"4.4.0"}"#,
    );
}

fn read(root: &Path) -> Inventory {
    read_paths(&[root.to_path_buf()], &ReadOptions::default())
}

fn diag<'a>(inv: &'a Inventory, code: &str, path_end: &str) -> &'a Diagnostic {
    inv.diagnostics
        .iter()
        .find(|d| d.code == code && d.path.ends_with(path_end))
        .unwrap_or_else(|| {
            panic!(
                "no {code} diagnostic for {path_end}: {:#?}",
                inv.diagnostics
            )
        })
}

#[test]
fn broken_xml_keeps_what_came_before() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    app(root);
    let text = format!(
        "{HEAD}  <salesforce:sfdc-config name=\"Before\">\n    <salesforce:basic-connection username=\"u\" password=\"p\"/>\n  </salesforce:sfdc-config>\n  <flow name=\"f\">\n    <logger>\n  </flow>\n  <salesforce:sfdc-config name=\"After\">\n    <salesforce:basic-connection username=\"u\" password=\"p\"/>\n  </salesforce:sfdc-config>\n</mule>\n"
    );
    write(root, "app/src/main/mule/broken.xml", &text);
    let inv = read(root);
    let d = diag(&inv, "xml-syntax", "app/src/main/mule/broken.xml");
    assert_eq!(d.line, Some(pos_in(&text, "</flow>").0), "{d:?}");
    assert!(d.column.is_some());
    let app = &inv.apps[0];
    let names: Vec<&str> = app
        .salesforce_connections
        .iter()
        .map(|c| c.config_name.as_str())
        .collect();
    assert_eq!(names, vec!["Before"]);
}

#[test]
fn truncated_xml() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    app(root);
    // Ends after a complete connection inside an unclosed config.
    let a = format!("{HEAD}  <salesforce:sfdc-config name=\"Open\">\n    <salesforce:basic-connection username=\"u\" password=\"p\"/>\n");
    write(root, "app/src/main/mule/a.xml", &a);
    // Ends inside a tag.
    let b = format!("{HEAD}  <salesforce:sfdc-config name=\"Cut\">\n    <salesforce:basic-connection username=\"u\" passw");
    write(root, "app/src/main/mule/b.xml", &b);
    let inv = read(root);
    let da = diag(&inv, "xml-syntax", "a.xml");
    assert_eq!(da.line, Some(a.lines().count() as u32 + 1));
    let db = diag(&inv, "xml-syntax", "b.xml");
    assert_eq!((db.line, db.column), {
        let (l, c) = pos_in(&b, "<salesforce:basic-connection");
        (Some(l), Some(c))
    });
    let names: Vec<&str> = inv.apps[0]
        .salesforce_connections
        .iter()
        .map(|c| c.config_name.as_str())
        .collect();
    assert_eq!(names, vec!["Open"]);
}

#[test]
fn binary_xml_and_other_binaries() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    app(root);
    write(
        root,
        "app/src/main/mule/blob.xml",
        b"<mule\x00\x01\x02\xff binary",
    );
    write(
        root,
        "app/lib/thing.jar",
        b"PK\x03\x04\x00\x00 00D5g000004XyZa!AQ0AQFixtureOnlyNotARealToken.abc",
    );
    let inv = read(root);
    let d = diag(&inv, "binary", "blob.xml");
    assert_eq!(d.line, None);
    // Binary files other than configuration formats are skipped silently.
    assert_eq!(inv.diagnostics.len(), 1, "{:#?}", inv.diagnostics);
    assert!(inv.text_files.is_empty());
    assert!(inv.apps[0].xml_files.is_empty());
}

#[test]
fn not_utf8_yaml_and_properties_are_still_read() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    app(root);
    write(
        root,
        "app/src/main/resources/dev.yaml",
        b"sf:\n  user: caf\xe9@acme.example\n  password: Pw1\n",
    );
    write(
        root,
        "app/src/main/resources/legacy.properties",
        b"a=\xff\xfe\nb.password=Pw2\n",
    );
    write(
        root,
        "app/README.md",
        b"na\xefve text with SF_PASSWORD=NotReported\n",
    );
    let inv = read(root);
    let y = diag(&inv, "not-utf8", "dev.yaml");
    assert_eq!((y.line, y.column), (Some(2), Some(12)));
    // A `.properties` file is read as ISO-8859-1, as Java reads it.
    let p = diag(&inv, "latin1-properties", "legacy.properties");
    assert_eq!((p.line, p.column), (Some(1), Some(3)));
    assert!(!inv
        .diagnostics
        .iter()
        .any(|d| d.code == "not-utf8" && d.path.ends_with("legacy.properties")));
    // Only configuration formats get the warning.
    assert!(!inv
        .diagnostics
        .iter()
        .any(|d| d.path.ends_with("README.md")));
    let app = &inv.apps[0];
    let yaml = app
        .property_files
        .iter()
        .find(|f| f.path.ends_with("dev.yaml"))
        .unwrap();
    let keys: Vec<&str> = yaml.entries.iter().map(|e| e.key()).collect();
    assert_eq!(keys, vec!["sf.user", "sf.password"]);
    assert_eq!(yaml.entries[0].value(), "caf\u{fffd}@acme.example");
    let props = app
        .property_files
        .iter()
        .find(|f| f.path.ends_with("legacy.properties"))
        .unwrap();
    assert_eq!(props.entries.len(), 2);
    assert_eq!(props.entries[0].value(), "\u{ff}\u{fe}");
    assert_eq!(props.entries[1].value(), "Pw2");
}

/// Windows PowerShell 5 writes UTF-16LE with a byte order mark
/// (`Out-File`, `>`). A `.properties` file saved so is read as the text it
/// holds (its secrets are still reported), with a `utf16-properties` warning:
/// Mule would read it as UTF-8 and find none of its keys. A UTF-16 YAML file
/// or script gets no warning, and is read the same.
#[test]
fn utf16_properties_are_read_with_a_warning() {
    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let mut out = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in text.encode_utf16() {
            out.extend_from_slice(&if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        out
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    app(root);
    write(
        root,
        "app/src/main/resources/dev.properties",
        utf16(
            "# dev\r\nsf.user=int@acme.example\r\nsf.password=Pw-16le!\r\n",
            false,
        ),
    );
    write(
        root,
        "app/src/main/resources/qa.properties",
        utf16("sf.password=Pw-16be!\n", true),
    );
    write(
        root,
        "app/src/main/resources/prod.yaml",
        utf16("sf:\r\n  password: Pw-yaml\r\n", false),
    );
    write(
        root,
        "app/scripts/deploy.ps1",
        utf16("$env:SF_PASSWORD = \"Ps-Pa55word\"\r\n", false),
    );
    let inv = read(root);
    for name in ["dev.properties", "qa.properties"] {
        let d = diag(&inv, "utf16-properties", name);
        assert_eq!((d.line, d.column), (Some(1), Some(1)));
        assert!(d.message.contains("UTF-8"), "{d:?}");
    }
    assert!(!inv
        .diagnostics
        .iter()
        .any(|d| d.path.ends_with("prod.yaml") || d.path.ends_with("deploy.ps1")));
    let app = &inv.apps[0];
    let entries = |name: &str| -> Vec<(String, String, u32)> {
        let f = app
            .property_files
            .iter()
            .find(|f| f.path.ends_with(name))
            .unwrap();
        f.entries
            .iter()
            .map(|e| (e.key().to_string(), e.value().to_string(), e.location.line))
            .collect()
    };
    assert_eq!(
        entries("dev.properties"),
        [
            ("sf.user".into(), "int@acme.example".into(), 2),
            ("sf.password".into(), "Pw-16le!".into(), 3)
        ]
    );
    assert_eq!(
        entries("qa.properties"),
        [("sf.password".into(), "Pw-16be!".into(), 1)]
    );
    assert_eq!(
        entries("prod.yaml"),
        [("sf.password".into(), "Pw-yaml".into(), 2)]
    );
    let script = inv
        .text_files
        .iter()
        .find(|f| f.path.ends_with("deploy.ps1"))
        .unwrap();
    let set: Vec<(&str, &str)> = script
        .assignments
        .iter()
        .map(|a| (&*a.name, &*a.value))
        .collect();
    assert_eq!(set, [("SF_PASSWORD", "Ps-Pa55word")]);
}

#[test]
fn malformed_yaml_keeps_earlier_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    app(root);
    write(
        root,
        "app/src/main/resources/bad.yaml",
        "a: 1\nb:\n  c: 2\nd: [unclosed\ne: 3\n",
    );
    write(root, "app/src/main/resources/tabs.yaml", "x:\n\t- y\n");
    let inv = read(root);
    let d = diag(&inv, "yaml-syntax", "bad.yaml");
    assert!(d.line.is_some_and(|l| l >= 4), "{d:?}");
    assert!(d.column.is_some());
    diag(&inv, "yaml-syntax", "tabs.yaml");
    let f = inv.apps[0]
        .property_files
        .iter()
        .find(|f| f.path.ends_with("bad.yaml"))
        .unwrap();
    let keys: Vec<&str> = f.entries.iter().map(|e| e.key()).collect();
    assert_eq!(&keys[..2], &["a", "b.c"]);
}

/// Found by testing as a user would: the parser reads ahead, so the key
/// just before a tab-indented line or an unclosed quote was dropped although
/// the diagnostic said "kept the keys read before". The text up to the
/// error's line is read again for them.
#[test]
fn malformed_yaml_keeps_the_key_just_before_the_error() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    app(root);
    let cases = [
        (
            "tab.yaml",
            "sf:\n  user: int@acme.com\n  password: \"Pw-1\"\n\tother: x\n",
        ),
        (
            "quote.yaml",
            "sf:\n  user: int@acme.com\n  password: Pw-1\n  note: \"x\n  other: 1\n",
        ),
        (
            "flow.yaml",
            "sf:\n  user: int@acme.com\n  password: Pw-1\nlist: [a,\n  b: c\n",
        ),
    ];
    for (name, text) in cases {
        write(root, &format!("app/src/main/resources/{name}"), text);
    }
    let inv = read(root);
    for (name, _) in cases {
        diag(&inv, "yaml-syntax", name);
        let f = inv.apps[0]
            .property_files
            .iter()
            .find(|f| f.path.ends_with(name))
            .unwrap();
        let keys: Vec<&str> = f.entries.iter().map(|e| e.key()).collect();
        assert_eq!(&keys[..2], &["sf.user", "sf.password"], "{name}");
        assert_eq!(f.entries[1].location.line, 3, "{name}");
    }
}

#[test]
fn broken_mule_artifact_json() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "app/mule-artifact.json",
        "{\n  \"secureProperties\": [\"a\",\n",
    );
    let inv = read(root);
    let d = diag(&inv, "json-syntax", "app/mule-artifact.json");
    assert!(d.line.is_some());
    assert_eq!(inv.apps.len(), 1, "still an app");
    assert_eq!(inv.apps[0].declared_secure_properties, None);
}

#[cfg(unix)]
#[test]
fn symlink_loop_and_dangling_link() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    app(root);
    write(root, "app/src/main/mule/ok.xml", format!("{HEAD}</mule>\n"));
    symlink(root.join("app"), root.join("app/src/loop")).unwrap();
    symlink(root.join("nowhere.txt"), root.join("app/dangling.txt")).unwrap();

    // Default: links are not followed; the dangling one is reported, and so
    // is the one that would loop, as a loop.
    let inv = read(root);
    diag(&inv, "unreadable", "app/dangling.txt");
    let d = diag(&inv, "symlink-loop", "app/src/loop");
    assert!(d.message.contains("leads back to"), "{}", d.message);
    assert_eq!(
        inv.diagnostics
            .iter()
            .filter(|d| d.code == "symlink-loop")
            .count(),
        1
    );
    assert_eq!(inv.apps[0].xml_files.len(), 1);

    // Following links: the loop is detected, not walked forever.
    let opts = ReadOptions {
        follow_symlinks: true,
        ..ReadOptions::default()
    };
    let inv = read_paths(&[root.to_path_buf()], &opts);
    diag(&inv, "symlink-loop", "app/src/loop");
    diag(&inv, "unreadable", "app/dangling.txt");
    assert_eq!(inv.apps[0].xml_files.len(), 1);
}

/// Following links, a dangling link that a `.gitignore` matches is not
/// reported (the walker asks the ignore rules before saying it cannot
/// follow a link; the walk, which applies `.gitignore` itself, does too);
/// one it does not match still is.
#[cfg(unix)]
#[test]
fn a_dangling_link_gitignore_hides_is_not_reported() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    app(root);
    write(root, "app/.gitignore", "*.tmp\n");
    symlink(root.join("nowhere.txt"), root.join("app/gone.tmp")).unwrap();
    symlink(root.join("nowhere.txt"), root.join("app/dangling.txt")).unwrap();
    let opts = ReadOptions {
        follow_symlinks: true,
        ..ReadOptions::default()
    };
    let inv = read_paths(&[root.to_path_buf()], &opts);
    diag(&inv, "unreadable", "app/dangling.txt");
    assert!(
        inv.diagnostics
            .iter()
            .all(|d| !d.path.ends_with("gone.tmp")),
        "{:#?}",
        inv.diagnostics
    );
}

/// A property file linked into an app (`config.yaml -> ../../../../shared/config.yaml`):
/// its target inside the folders scanned, it is read at the link's path, as
/// the app's own file (before, only its target was read, outside the app, so
/// the app's secrets there were neither resolved nor moved); a link to a file
/// outside the folders scanned is not read, with a `symlink-outside` warning.
#[cfg(unix)]
#[test]
fn a_linked_file_inside_the_scan_is_read_at_the_link() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    app(&root);
    write(
        &root,
        "shared/config.yaml",
        "sf:\n  password: \"Linked-Pw-5\"\n",
    );
    let outside = write(tmp.path(), "elsewhere/other.yaml", "sf:\n  token: \"x\"\n");
    let resources = root.join("app/src/main/resources");
    fs::create_dir_all(&resources).unwrap();
    symlink(
        "../../../../shared/config.yaml",
        resources.join("config.yaml"),
    )
    .unwrap();
    symlink(&outside, resources.join("other.yaml")).unwrap();

    let inv = read(&root);
    let files: Vec<(&str, Vec<&str>)> = inv.apps[0]
        .property_files
        .iter()
        .map(|f| (f.path.as_str(), f.entries.iter().map(|e| e.key()).collect()))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0].0.ends_with("app/src/main/resources/config.yaml"),
        "{files:?}"
    );
    assert_eq!(files[0].1, ["sf.password"]);
    let d = diag(&inv, "symlink-outside", "app/src/main/resources/other.yaml");
    assert!(d.message.contains("not read"), "{}", d.message);
    assert!(
        inv.diagnostics
            .iter()
            .all(|d| !d.path.ends_with("config.yaml")),
        "{:#?}",
        inv.diagnostics
    );
}

#[test]
fn too_large_files_are_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    app(root);
    write(
        root,
        "app/src/main/resources/big.yaml",
        "password: x\n".repeat(40),
    );
    write(root, "app/src/main/resources/small.yaml", "password: y\n");
    // A binary file has no text to skip, whatever its size: only its start
    // is read, and it gets no warning.
    let mut jar = b"PK\x03\x04\x00".to_vec();
    jar.resize(9_000, 0x7f);
    std::fs::create_dir_all(root.join("app/lib")).unwrap();
    std::fs::write(root.join("app/lib/driver.jar"), &jar).unwrap();
    let opts = ReadOptions {
        max_file_size: 100,
        ..ReadOptions::default()
    };
    let inv = read_paths(&[root.to_path_buf()], &opts);
    let d = diag(&inv, "too-large", "big.yaml");
    assert!(d.message.contains("480"), "{}", d.message);
    assert!(
        !inv.diagnostics
            .iter()
            .any(|d| d.path.ends_with("driver.jar")),
        "{:?}",
        inv.diagnostics
    );
    let files: Vec<&str> = inv.apps[0]
        .property_files
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(files.len(), 1);
    assert!(files[0].ends_with("small.yaml"));
}

#[test]
fn gitignore_hidden_files_and_skipped_dirs() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    app(root);
    write(root, ".gitignore", "ignored-dir/\n*.log\n");
    write(root, "ignored-dir/notes.md", "SF_PASSWORD=IgnoredDirPw\n");
    write(root, "build.log", "password: LogPw123\n");
    write(root, "target/x.env", "SF_PASSWORD=TargetPw\n");
    write(
        root,
        "app/target/classes/global.xml",
        format!("{HEAD}</mule>\n"),
    );
    write(root, "node_modules/p/.env", "SF_PASSWORD=NodePw\n");
    write(root, ".git/config", "SF_PASSWORD=GitPw\n");
    write(root, ".mvn/jvm.config", "-Dmule.key=HiddenKey123\n");
    write(root, ".env", "SF_PASSWORD=DotEnvPw\n");
    write(
        root,
        "app/src/test/resources/test.env",
        "SF_PASSWORD=TestPw\n",
    );
    let inv = read(root);
    let mut paths: Vec<String> = inv
        .text_files
        .iter()
        .map(|f| {
            f.path
                .strip_prefix(&root.to_string_lossy().to_string())
                .unwrap()
                .to_string()
        })
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        vec![
            "/.env",
            "/.mvn/jvm.config",
            "/app/src/test/resources/test.env"
        ]
    );
    assert!(inv.apps[0].xml_files.is_empty());

    // Config ignore globs, relative to the root.
    let opts = ReadOptions {
        ignore_globs: vec!["**/src/test/**".into(), ".mvn/".into()],
        ..ReadOptions::default()
    };
    let inv = read_paths(&[root.to_path_buf()], &opts);
    assert_eq!(inv.text_files.len(), 1);
    assert!(inv.text_files[0].path.ends_with("/.env"));
}

/// Found by mutating the fixtures: a global configuration with elements
/// nested hundreds of thousands deep overflowed the stack. Its subtree is read
/// to a bounded depth, the rest is named in a diagnostic, and the connection
/// above it is still read; unclosed nesting is a syntax error as well.
#[test]
fn deep_nesting_is_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    app(root);
    let n = 200_000;
    let deep_line = format!("    {}{}\n", "<x>".repeat(n), "</x>".repeat(n));
    let a = format!(
        "{HEAD}  <salesforce:sfdc-config name=\"Deep\">\n    <salesforce:basic-connection username=\"u\" password=\"p\"/>\n{deep_line}  </salesforce:sfdc-config>\n</mule>\n"
    );
    write(root, "app/src/main/mule/a.xml", &a);
    let b = format!(
        "{HEAD}  <salesforce:sfdc-config name=\"Open\">\n    <salesforce:basic-connection username=\"u\" password=\"p\"/>\n    {}",
        "<x>".repeat(n)
    );
    write(root, "app/src/main/mule/b.xml", &b);
    let inv = read(root);

    let d = diag(&inv, "xml-depth", "a.xml");
    // The config is the first captured level: the 64th <x> is the first not read.
    let line = pos_in(&a, "    <x>").0;
    assert_eq!((d.line, d.column), (Some(line), Some(5 + 63 * 3)), "{d:?}");
    assert!(d.message.contains("more than 64 deep"), "{}", d.message);
    assert!(!inv
        .diagnostics
        .iter()
        .any(|d| d.code == "xml-syntax" && d.path.ends_with("a.xml")));
    diag(&inv, "xml-depth", "b.xml");
    diag(&inv, "xml-syntax", "b.xml");
    let mut names: Vec<&str> = inv.apps[0]
        .salesforce_connections
        .iter()
        .map(|c| c.config_name.as_str())
        .collect();
    names.sort();
    assert_eq!(names, vec!["Deep", "Open"]);
}

#[test]
fn odd_but_valid_inputs_do_not_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    app(root);
    write(root, "app/src/main/mule/empty.xml", "");
    write(root, "app/src/main/mule/bom.xml", "\u{feff}<?xml version=\"1.0\"?>\n<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\"/>");
    write(
        root,
        "app/src/main/mule/notmule.xml",
        "<beans><bean/></beans>",
    );
    write(root, "app/src/main/mule/garbage.xml", "<<<>>>&&&\"'");
    write(root, "app/src/main/resources/empty.yaml", "");
    write(
        root,
        "app/src/main/resources/scalar.yaml",
        "just a scalar\n",
    );
    write(root, "app/src/main/resources/list.yaml", "- a\n- b: c\n");
    write(root, "app/src/main/resources/empty.properties", "\\");
    write(
        root,
        "app/foo.xml/inner.txt",
        "a directory named like a file\n",
    );
    let inv = read(root);
    // A file given directly as a path.
    let single = read_paths(
        &[root.join("app/src/main/resources/list.yaml")],
        &ReadOptions::default(),
    );
    assert_eq!(single.stats.files, 1);
    let app = &inv.apps[0];
    let list = app
        .property_files
        .iter()
        .find(|f| f.path.ends_with("list.yaml"))
        .unwrap();
    let keys: Vec<&str> = list.entries.iter().map(|e| e.key()).collect();
    // A list at the top level names no property; a mapping in it is kept
    // (Mule refuses such a file, but what it holds is committed).
    assert_eq!(keys, vec!["[1].b"]);
    assert!(app.xml_files.iter().any(|p| p.ends_with("bom.xml")));
    assert!(!app.xml_files.iter().any(|p| p.ends_with("notmule.xml")));
    diag(&inv, "xml-syntax", "garbage.xml");
}

#[test]
fn missing_paths_and_single_thread() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    app(root);
    write(root, "app/src/main/mule/ok.xml", format!("{HEAD}</mule>\n"));
    let missing = root.join("does-not-exist");
    let opts = ReadOptions {
        threads: 1,
        ..ReadOptions::default()
    };
    let inv = read_paths(&[missing, root.to_path_buf(), root.join("app/")], &opts);
    diag(&inv, "unreadable", "does-not-exist");
    // A root inside another one is not walked twice.
    assert_eq!(inv.apps.len(), 1);
    assert_eq!(inv.apps[0].xml_files.len(), 1);
    assert_eq!(inv.roots.len(), 3);
}

/// A connected app's `<certificate>` that is no certificate (`MIIBfakecert`)
/// is a warning at the element: it was dropped silently, so IG112 could not
/// date it and nothing said why.
#[test]
fn a_connected_app_certificate_that_is_not_one_is_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "sf/sfdx-project.json",
        r#"{"packageDirectories":[{"path":"force-app","default":true}]}"#,
    );
    write(
        root,
        "sf/force-app/main/default/connectedApps/Ops_App.connectedApp-meta.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
    <label>Ops App</label>
    <oauthConfig>
        <certificate>MIIBfakecert</certificate>
        <consumerKey>3MVG9OpsKey</consumerKey>
    </oauthConfig>
</ConnectedApp>
"#,
    );
    let inv = read(root);
    let d = diag(&inv, "metadata-value", "Ops_App.connectedApp-meta.xml");
    assert_eq!((d.line, d.column), (Some(5), Some(9)));
    assert!(
        d.message
            .starts_with("Ops_App: <certificate> is not an X.509 certificate"),
        "{}",
        d.message
    );
    assert!(inv.certificates.is_empty());
}

/// Found by testing as a user would: in a git worktree (`git worktree add`)
/// or a submodule, `.git` is a file (`gitdir: ...`), not a folder, and was
/// read and counted among the files scanned, so a worktree's scan counted
/// one file more than its main checkout's. `.git` is git's, file or folder.
#[test]
fn a_git_link_file_is_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    app(root);
    write(root, ".env", "SF_PASSWORD=DotEnvPw\n");
    let before = read(root).stats.files;
    write(root, ".git", "gitdir: /srv/repo/.git/worktrees/wt\n");
    write(root, "vendor/lib/.git", "gitdir: ../../.git/modules/lib\n");
    let inv = read(root);
    assert_eq!(inv.stats.files, before);
    assert!(!inv.text_files.iter().any(|f| f.path.ends_with(".git")));
}
