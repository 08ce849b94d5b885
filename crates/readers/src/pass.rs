//! The file pass: the walk's files read in windows, in parallel, each app
//! assembled (and handed to the caller's `on_app`) as soon as its last file
//! is read, then the Inventory put together.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use intguard_model::{Inventory, MuleApp, TextFileFacts};
use rayon::prelude::*;

use crate::discover;
use crate::file::{process_file, FileInput, FileOutput};
use crate::io::{lossy_text, read_limited, with_read_buffer};
use crate::mule::{self, AppParts, AppRoot, DirDescriptors};
use crate::path_name::file_name;
use crate::walked_files::{ListStore, WalkedFile, WalkedFiles, CHUNK};
use crate::{certificates, metadata, Discovered, OnApp, ReadOptions};

/// How many files are read between two assemblies of the apps completed:
/// enough to keep every core busy, few enough that the raw facts of the apps
/// being read stay small.
pub(crate) const FILE_WINDOW: usize = 1024;

const DESCRIPTOR_NAMES: &[&str] = &["mule-artifact.json", "pom.xml", "mule-project.xml"];

/// Walks `paths` and reads every file once into an Inventory, handing each
/// app to `on_app` as soon as its last file is read. `window`: how many
/// files are read between two assemblies ([`FILE_WINDOW`]).
pub(crate) fn read_all(
    paths: &[PathBuf],
    options: &ReadOptions,
    on_app: &OnApp<'_>,
    window: usize,
) -> Inventory {
    let t0 = std::time::Instant::now();
    let now_unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let walk = discover::walk(paths, options);
    let files = walk.files;
    let t_walk = t0.elapsed();
    let mut inventory = Inventory {
        roots: paths.iter().map(|p| discover::display_path(p)).collect(),
        now_unix,
        ..Inventory::default()
    };
    inventory.diagnostics = walk.diagnostics;
    if let Some(in_use) = &options.config_in_use {
        let unused = discover::configs_not_used(&files, in_use.as_ref());
        inventory.diagnostics.extend(unused);
    }

    let apps = app_roots(&files, options);
    let md_projects = metadata::projects(
        &project_files(&files, "sfdx-project.json", options),
        &project_files(&files, "package.xml", options),
    );
    inventory.diagnostics.extend(md_projects.diagnostics);
    let discovered = Discovered {
        object_access_metadata: files
            .iter()
            .any(|f| metadata::may_grant_object_access(f.path)),
    };
    let file_app = apps_of_files(&files, &apps);
    let sources = Sources {
        // A list of one chunk is read at once.
        list_store: (files.len() > CHUNK).then(list_file).flatten(),
        files,
        file_app,
        apps: &apps,
        mdapi_roots: md_projects.mdapi_roots,
        options,
        fields_written: discovered.object_access_metadata
            || !options.written_fields_need_object_access,
    };
    let mut collected = Collected::default();
    read_files(
        sources,
        window,
        &|app, text| on_app(app, text, &discovered),
        &mut collected,
        &mut inventory,
    );
    // Not held through what follows, where a scan's memory peaks.
    drop(apps);
    let t_files = t0.elapsed();

    // In the list's own allocation (std collects a `filter_map` of a
    // vector's `into_iter` in place; `flatten` made a second list, grown by
    // doubling, 1.2 KB per app beside the first at the reading's end and
    // 0.26 KB per app of spare room kept to the scan's end).
    #[allow(clippy::filter_map_identity)]
    let apps: Vec<MuleApp> = collected.assembled.into_iter().filter_map(|a| a).collect();
    inventory.apps = apps;
    inventory.text_files = collected.text_files.in_walk_order();
    inventory.salesforce = metadata::assemble(
        md_projects.projects,
        collected.md_items,
        &mut inventory.diagnostics,
    );
    // A keystore an app loads through a Mule plugin's TLS context it
    // imports opens with the password the app's properties give it.
    let lend = !collected.locked_pkcs12.is_empty();
    if lend {
        inventory.lend_plugin_configurations();
    }
    certificates::unlock_pkcs12(&mut inventory, &collected.locked_pkcs12);
    if lend {
        inventory.return_plugin_configurations();
    }
    certificates::from_oauth_apps(&mut inventory);
    inventory.diagnostics.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.code).cmp(&(&b.path, b.line, b.column, b.code))
    });
    inventory.diagnostics.dedup();
    if std::env::var_os("INTGUARD_READERS_TIMING").is_some() {
        eprintln!("walk {t_walk:?} files {t_files:?} total {:?}", t0.elapsed());
    }
    inventory
}

/// The app roots, from the descriptors (`mule-artifact.json`, `pom.xml`,
/// `mule-project.xml`). pom.xml and mule-project.xml are read here, and of
/// each only what decides the app is kept (the pom's packaging and artifactId,
/// the Studio project's name): the file pass reads them again
/// when it reaches them. Their bytes are not held from here until then
/// (2.7 KB per app of a monorepo's heap at the start of the pass); reading
/// them twice adds the descriptors' bytes (1.8% of a generated monorepo's).
fn app_roots(files: &WalkedFiles, options: &ReadOptions) -> Vec<AppRoot> {
    /// What one descriptor says of its folder.
    enum Said {
        MuleArtifactJson,
        Pom(Option<mule::descriptor::PomInfo>),
        MuleProject(Option<Option<String>>),
    }
    let descriptor_files: Vec<WalkedFile<'_>> = files
        .iter()
        .filter(|f| {
            file_name(f.path)
                .and_then(|n| n.to_str())
                .is_some_and(|n| DESCRIPTOR_NAMES.contains(&n))
        })
        .collect();
    let said: Vec<(&Path, Said)> = descriptor_files
        .par_iter()
        .map(|f| {
            let name = file_name(f.path).and_then(|n| n.to_str()).unwrap_or("");
            let read = || read_limited(f.path, options.max_file_size);
            let said = match name {
                "mule-artifact.json" => Said::MuleArtifactJson,
                "pom.xml" => Said::Pom(read().map(|b| mule::descriptor::pom_info(&lossy_text(&b)))),
                _ => Said::MuleProject(
                    read().map(|b| mule::descriptor::mule_project_name(&lossy_text(&b))),
                ),
            };
            (f.path.parent().unwrap_or(Path::new("")), said)
        })
        .collect();
    let mut dirs: HashMap<PathBuf, DirDescriptors> = HashMap::new();
    for (dir, said) in said {
        let entry = dirs.entry(dir.to_path_buf()).or_default();
        match said {
            Said::MuleArtifactJson => entry.mule_artifact_json = true,
            Said::Pom(Some(info)) => entry.pom = Some(info),
            Said::MuleProject(Some(name)) => entry.mule_project_name = Some(name),
            Said::Pom(None) | Said::MuleProject(None) => {}
        }
    }
    mule::app_roots(dirs)
}

/// Every walked file named `wanted` (a Salesforce metadata project file):
/// its path, display path and text.
fn project_files(
    files: &WalkedFiles,
    wanted: &str,
    options: &ReadOptions,
) -> Vec<(PathBuf, String, String)> {
    files
        .iter()
        .filter(|f| file_name(f.path).and_then(|n| n.to_str()) == Some(wanted))
        .filter_map(|f| {
            let bytes = read_limited(f.path, options.max_file_size)?;
            Some((
                f.path.to_path_buf(),
                f.display().to_string(),
                lossy_text(&bytes).into_owned(),
            ))
        })
        .collect()
}

/// Each file's app (its index in the app roots), in chunks of [`CHUNK`]
/// files as the walk's list holds them, freed with them
/// ([`FileApps::release_before`]).
#[derive(Default)]
struct FileApps {
    chunks: Vec<Vec<u32>>,
    len: usize,
}

/// A file in no app, in [`FileApps`].
const NO_APP: u32 = u32::MAX;

impl FileApps {
    fn get(&self, i: usize) -> Option<usize> {
        match self.chunks[i / CHUNK][i % CHUNK] {
            NO_APP => None,
            a => Some(a as usize),
        }
    }

    fn iter(&self) -> impl Iterator<Item = Option<usize>> + '_ {
        self.chunks.iter().flatten().map(|&a| match a {
            NO_APP => None,
            a => Some(a as usize),
        })
    }

    /// Frees the apps of the files before `end`, by whole chunks (as
    /// [`WalkedFiles::release_before`]).
    fn release_before(&mut self, end: usize) {
        let whole = match end >= self.len {
            true => self.chunks.len(),
            false => end / CHUNK,
        };
        for chunk in &mut self.chunks[..whole] {
            *chunk = Vec::new();
        }
    }
}

/// Every file's app: its nearest app root.
fn apps_of_files(files: &WalkedFiles, apps: &[AppRoot]) -> FileApps {
    // Keyed by the paths' bytes, with a fast hasher: hashing a `Path` parses
    // its components, and this is asked for every ancestor of every file.
    // Both sides come from `parent()` of walked paths, so equal folders are
    // spelt alike.
    let app_index: foldhash::HashMap<&OsStr, u32> = apps
        .iter()
        .enumerate()
        .map(|(i, a)| (a.dir.as_os_str(), i as u32))
        .collect();
    let chunks = files.len().div_ceil(CHUNK);
    FileApps {
        len: files.len(),
        chunks: (0..chunks)
            .into_par_iter()
            .map(|c| {
                (c * CHUNK..files.len().min((c + 1) * CHUNK))
                    .into_par_iter()
                    .map(|i| {
                        files
                            .get(i)
                            .path
                            .ancestors()
                            .skip(1)
                            .find_map(|a| app_index.get(a.as_os_str()).copied())
                            .unwrap_or(NO_APP)
                    })
                    .collect()
            })
            .collect(),
    }
}

/// An anonymous temporary file for the walk's list
/// ([`WalkedFiles::move_out`]); `None` without a usable temporary folder
/// (the list then stays in memory).
fn list_file() -> Option<Box<dyn ListStore>> {
    tempfile::tempfile()
        .ok()
        .map(|f| Box::new(f) as Box<dyn ListStore>)
}

/// What the file pass reads from.
struct Sources<'a> {
    /// The walk, sorted by path; freed as the files are read.
    files: WalkedFiles,
    /// Where the walk's list waits for the windows that read it.
    list_store: Option<Box<dyn ListStore>>,
    /// Each file's app ([`apps_of_files`]).
    file_app: FileApps,
    apps: &'a [AppRoot],
    mdapi_roots: Vec<PathBuf>,
    options: &'a ReadOptions,
    /// The fields Salesforce writes set are read (see
    /// [`ReadOptions::written_fields_need_object_access`]).
    fields_written: bool,
}

/// What the file pass gathers beside the Inventory's own lists.
#[derive(Default)]
struct Collected {
    /// Each app once assembled, by its index in the app roots.
    assembled: Vec<Option<MuleApp>>,
    /// The any-text facts of every file, with their places in the walk.
    text_files: WalkedText,
    md_items: Vec<metadata::Item>,
    /// PKCS#12 files whose certificates need a password: (display, path).
    locked_pkcs12: Vec<(String, PathBuf)>,
    /// The `secureProperties` lists read so far, each once.
    secure_property_lists: SecurePropertyLists,
    /// The bytes the walk's list held after each window was read.
    #[cfg(test)]
    list_held: Vec<usize>,
    /// How many apps' parts were held after each window was read.
    #[cfg(test)]
    parts_held: Vec<usize>,
}

/// The files in windows, each window's files in parallel and its results
/// consumed in the walk's order; each app is assembled (and handed to
/// `on_app`) as soon as its last file is read, so that only the apps being
/// read are held in their raw form. The walk is sorted by path, so an app's
/// files are one run of it (but for the apps nested in it), and an app is
/// complete once the pass is past its last file. Each worker thread reads
/// into one reused buffer (`with_read_buffer`): a fresh allocation per file
/// costs page faults that rival the reading itself.
fn read_files(
    sources: Sources<'_>,
    window: usize,
    on_app: &(dyn Fn(&mut MuleApp, &mut Vec<TextFileFacts>) + Sync),
    collected: &mut Collected,
    inventory: &mut Inventory,
) {
    let Sources {
        mut files,
        list_store,
        mut file_app,
        apps,
        mdapi_roots,
        options,
        fields_written,
    } = sources;
    let mut last_file = vec![0usize; apps.len()];
    for (i, app) in file_app.iter().enumerate() {
        if let Some(a) = app {
            last_file[a] = i;
        }
    }
    let mut by_last: Vec<usize> = (0..apps.len()).collect();
    by_last.sort_by_key(|&a| last_file[a]);
    let mut by_last = by_last.into_iter().peekable();

    // The parts of the apps being read, each made at its app's first file
    // and taken at its last: a monorepo's apps do not each hold an empty
    // one (320 bytes) through the whole reading. No file of an app comes
    // after its last one, so none makes its parts again once taken.
    let mut parts: foldhash::HashMap<usize, AppParts> = foldhash::HashMap::default();
    collected.assembled = apps.iter().map(|_| None).collect();
    // The apps completed by the previous window are assembled while the next
    // window is read.
    let assemble = |complete: Vec<(usize, AppParts)>| -> Vec<(usize, MuleApp, WalkedText)> {
        complete
            .into_par_iter()
            .map(|(a, mut p)| {
                let mut text_files = std::mem::take(&mut p.text_files);
                let mut app = mule::assemble(&apps[a], p);
                on_app(&mut app, &mut text_files.facts);
                // The app is held until the rules are done, and its facts were
                // allocated among the parsers' temporaries: a copy packs them
                // into fresh pages and lets the next windows reuse the old
                // ones (peak memory of the bench corpus -15%).
                (a, app.clone(), text_files)
            })
            .collect()
    };
    let read_window = |files: &WalkedFiles,
                       file_app: &FileApps,
                       range: std::ops::Range<usize>|
     -> Vec<Option<FileOutput>> {
        // Indexed (no `filter`): the outputs are collected in place.
        range
            .into_par_iter()
            .map(|i| {
                if files.is_lost(i) {
                    return None;
                }
                let app = file_app.get(i);
                with_read_buffer(|buf| {
                    let input = FileInput {
                        buf,
                        mdapi_roots: &mdapi_roots,
                        fields_written,
                    };
                    Some(process_file(
                        &files.get(i),
                        app.map(|i| (i, &apps[i])),
                        input,
                        options,
                    ))
                })
            })
            .collect()
    };
    // The first chunk is read at once; the rest waits out of memory.
    if let Some(store) = list_store {
        files.move_out(1, store);
    }
    let mut lost = 0;
    let mut complete: Vec<(usize, AppParts)> = Vec::new();
    let mut start: usize = 0;
    loop {
        let end = start.saturating_add(window.max(1)).min(files.len());
        if start == end && complete.is_empty() && by_last.peek().is_none() {
            break;
        }
        lost += files.page_in(start..end);
        let (outputs, done) = rayon::join(
            || read_window(&files, &file_app, start..end),
            || assemble(std::mem::take(&mut complete)),
        );
        for (a, app, text) in done {
            collected.assembled[a] = Some(app);
            collected.text_files.append(text);
        }
        for (i, out) in outputs.into_iter().enumerate() {
            let Some(out) = out else { continue };
            let part = out.app.map(|a| parts.entry(a).or_default());
            take_output(start + i, out, part, collected, inventory);
        }
        // Read: the walk's list of them is not held to the end.
        files.release_before(end);
        file_app.release_before(end);
        #[cfg(test)]
        collected.list_held.push(files.held_bytes());
        while let Some(&a) = by_last.peek() {
            if last_file[a] >= end && end < files.len() {
                break;
            }
            by_last.next();
            complete.push((a, parts.remove(&a).unwrap_or_default()));
        }
        #[cfg(test)]
        collected.parts_held.push(parts.len());
        start = end;
    }
    if lost > 0 {
        // The temporary file failed under the scan: the files it could not
        // give back were not read, and the report says so (the run cannot
        // pass).
        inventory.diagnostics.push(intguard_model::Diagnostic::error(
            intguard_model::FINDINGS_LOST,
            std::env::temp_dir().to_string_lossy(),
            format!(
                "{lost} files the walk found could not be read back from intguard's temporary file: they were not read, and this report lacks their findings"
            ),
        ));
    }
}

/// One file's output, the `index`-th of the walk: what belongs to the
/// Inventory goes there, what belongs to its app (`part`, when it is in one
/// still being read) goes to the app's parts.
fn take_output(
    index: usize,
    out: FileOutput,
    mut part: Option<&mut AppParts>,
    collected: &mut Collected,
    inventory: &mut Inventory,
) {
    inventory.certificates.extend(out.certificates);
    if let Some(path) = out.locked_pkcs12 {
        collected.locked_pkcs12.push((out.display.clone(), path));
    }
    if out.read {
        inventory.stats.files += 1;
        inventory.stats.bytes += out.bytes;
    }
    inventory.diagnostics.extend(out.diagnostics);
    inventory.suppressions.extend(out.suppressions);
    if let Some(k) = out.key_material {
        inventory.key_material.push(k);
    }
    if let Some(m) = out.metadata {
        collected.md_items.push(*m);
    }
    if let Some(t) = out.text {
        match &mut part {
            Some(p) => p.text_files.push(index, *t),
            None => collected.text_files.push(index, *t),
        }
    }
    let Some(part) = part else {
        return;
    };
    if let Some(x) = out.mule {
        part.xml.push((out.display, *x));
    }
    if let Some(p) = out.property {
        part.properties.push(*p);
    }
    if let Some(d) = out.descriptor {
        part.descriptor = Some(d);
    }
    if let Some(names) = out.declared_secure_properties {
        part.declared_secure_properties = Some(collected.secure_property_lists.shared(names));
    }
    if out.domain_link.is_some() {
        part.domain_link = out.domain_link;
    }
    if out.plugin.is_some() {
        part.plugin = out.plugin;
    }
    if out.pom_names_parent.is_some() {
        part.pom_names_parent = out.pom_names_parent;
    }
    if out.pom_with_plugins.is_some() {
        part.pom_with_plugins = out.pom_with_plugins;
    }
    part.deployment_properties.extend(out.deployment_properties);
    if let Some(script) = out.payload_script {
        part.payload_scripts.push(*script);
    }
    if let Some(script) = out.record_script {
        part.record_scripts.push(*script);
    }
}

/// The distinct `secureProperties` lists of a reading's mule-artifact.json
/// files ([`MuleApp::declared_secure_properties`]): a monorepo's apps list
/// the same few names (`encryption.key`, `sfdc.password`, ...), and every
/// app's list was held until the rules were done (0.4 kB an app of the
/// bench corpus). Each app listing the same names, in the same order, gets
/// the same one.
#[derive(Debug, Default)]
pub(crate) struct SecurePropertyLists(foldhash::HashSet<Arc<[String]>>);

impl SecurePropertyLists {
    /// The list holding `names`, shared with every app listing them so.
    pub fn shared(&mut self, names: Vec<String>) -> Arc<[String]> {
        if let Some(list) = self.0.get(names.as_slice()) {
            return Arc::clone(list);
        }
        let list: Arc<[String]> = names.into();
        self.0.insert(Arc::clone(&list));
        list
    }
}

/// Text facts with their files' places in the walk: those handed out with
/// their app and those of files outside any app join in the walk's order.
#[derive(Debug, Default)]
pub(crate) struct WalkedText {
    order: Vec<usize>,
    pub facts: Vec<TextFileFacts>,
}

impl WalkedText {
    pub fn push(&mut self, index: usize, facts: TextFileFacts) {
        self.order.push(index);
        self.facts.push(facts);
    }

    pub fn append(&mut self, mut other: WalkedText) {
        self.order.append(&mut other.order);
        self.facts.append(&mut other.facts);
    }

    pub fn in_walk_order(self) -> Vec<TextFileFacts> {
        let mut all: Vec<(usize, TextFileFacts)> = self.order.into_iter().zip(self.facts).collect();
        all.sort_by_key(|(i, _)| *i);
        all.into_iter().map(|(_, t)| t).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn copy_tree(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy_tree(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }

    /// Reading in windows of one file gives what reading in one window does,
    /// with an app nested in another (the outer app's files on both sides of
    /// the inner one's), and hands every app to `on_app` once, complete.
    #[test]
    fn windows_do_not_change_what_is_read() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        copy_tree(&fixtures.join("mule4-app"), &root.join("outer"));
        copy_tree(&fixtures.join("mule4-app"), &root.join("outer/nested"));
        std::fs::write(
            root.join("outer/zz-notes.sh"),
            "export SF_PASSWORD=Sup3rS3cret!\n",
        )
        .unwrap();
        copy_tree(&fixtures.join("mule3-app"), &root.join("other"));
        copy_tree(&fixtures.join("monorepo"), &root.join("repo"));
        std::fs::write(root.join("readme.txt"), "nothing here\n").unwrap();
        std::fs::write(root.join("loose.sh"), "export SF_PASSWORD=L00seS3cret!\n").unwrap();

        let paths = vec![root.to_path_buf()];
        let options = ReadOptions::default();
        let seen: Mutex<Vec<(String, usize)>> = Mutex::new(Vec::new());
        let handed: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());
        let record = |app: &mut MuleApp, text: &mut Vec<TextFileFacts>, _: &Discovered| {
            let facts = app.xml_files.len() + app.property_files.len();
            seen.lock().unwrap().push((app.name.clone(), facts));
            for t in text.iter() {
                handed
                    .lock()
                    .unwrap()
                    .push((app.root.clone(), t.path.to_string()));
            }
        };
        let whole = read_all(&paths, &options, &record, usize::MAX);
        let whole_seen = std::mem::take(&mut *seen.lock().unwrap());
        let mut windowed = read_all(&paths, &options, &record, 1);
        let windowed_seen = std::mem::take(&mut *seen.lock().unwrap());
        // The two reads may fall in different seconds: the clock is not what
        // was read (this comparison failed once across a second boundary).
        windowed.now_unix = whole.now_unix;

        assert!(whole.apps.len() >= 5, "{:?}", whole_seen);
        assert!(whole.apps.iter().any(|a| a.root.ends_with("outer/nested")));
        assert_eq!(
            serde_json::to_string(&whole).unwrap(),
            serde_json::to_string(&windowed).unwrap()
        );
        let sorted = |mut v: Vec<(String, usize)>| {
            v.sort();
            v
        };
        assert_eq!(whole_seen.len(), whole.apps.len());
        assert_eq!(sorted(whole_seen), sorted(windowed_seen));

        // Each app's text facts were handed with it, and only its own (not
        // its nested app's); files outside any app were not. Every one is in
        // the Inventory afterwards, in the same order whatever the windows.
        let handed = std::mem::take(&mut *handed.lock().unwrap());
        for (root, path) in &handed {
            assert!(
                path.starts_with(&format!("{root}/")),
                "{path} handed with {root}"
            );
            let nested = whole
                .apps
                .iter()
                .any(|a| a.root.len() > root.len() && path.starts_with(&format!("{}/", a.root)));
            assert!(!nested, "{path} belongs to an app nested in {root}");
        }
        assert!(handed
            .iter()
            .any(|(root, path)| root.ends_with("/outer") && path.ends_with("outer/zz-notes.sh")));
        let in_inventory: Vec<&str> = whole.text_files.iter().map(|t| t.path.as_str()).collect();
        for (_, path) in &handed {
            assert!(in_inventory.contains(&path.as_str()), "{path} lost");
        }
        let loose = root.join("loose.sh").to_string_lossy().replace('\\', "/");
        assert!(in_inventory.contains(&loose.as_str()), "{in_inventory:?}");
        assert!(!handed.iter().any(|(_, path)| *path == loose));
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn pom(packaging: &str, artifact: &str, dependencies: &str) -> String {
        format!(
            "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>com.acme</groupId>\n  <artifactId>{artifact}</artifactId>\n  <version>1.0.0</version>\n  <packaging>{packaging}</packaging>\n  <dependencies>{dependencies}</dependencies>\n</project>\n"
        )
    }

    /// The descriptors are read twice, once to find the apps (their bytes
    /// not kept) and again when the pass reaches them: an app found by its
    /// pom alone, a Mule 3 Studio project, a domain, a plugin and an app
    /// nested in another get their kind and name from the first reading
    /// and what their poms say (the domain an app names, a plugin's
    /// coordinates) from the second, in any windows.
    #[test]
    fn descriptors_found_apps_and_are_read_again_in_the_pass() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let flow = "<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\"/>\n";
        write(
            root,
            "apps/orders/pom.xml",
            &pom(
                "mule-application",
                "orders-papi",
                "<dependency><groupId>com.acme</groupId><artifactId>acme-domain</artifactId><version>1.0.0</version><classifier>mule-domain</classifier><scope>provided</scope></dependency>",
            ),
        );
        write(root, "apps/orders/src/main/mule/orders.xml", flow);
        write(root, "apps/orders/.env", "SF_USER=orders@acme.com\n");
        write(
            root,
            "apps/orders/batch/mule-artifact.json",
            "{\"minMuleVersion\": \"4.4.0\"}\n",
        );
        write(root, "apps/orders/batch/src/main/mule/batch.xml", flow);
        write(
            root,
            "domains/acme-domain/pom.xml",
            &pom("mule-domain", "acme-domain", ""),
        );
        write(
            root,
            "domains/acme-domain/src/main/mule/mule-domain-config.xml",
            flow,
        );
        write(
            root,
            "libs/common/pom.xml",
            &pom("mule-plugin", "common-lib", ""),
        );
        write(root, "libs/common/src/main/mule/common.xml", flow);
        write(
            root,
            "legacy/mule-project.xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mule-project xmlns=\"http://www.mulesoft.com/tooling/project\" runtimeId=\"org.mule.tooling.server.3.9.0.ee\" schemaVersion=\"5.3.0\">\n    <name>legacy-sync</name>\n</mule-project>\n",
        );
        write(root, "legacy/src/main/app/legacy.xml", flow);

        let paths = vec![root.to_path_buf()];
        let options = ReadOptions::default();
        let whole = read_all(&paths, &options, &|_, _, _| {}, usize::MAX);
        let mut windowed = read_all(&paths, &options, &|_, _, _| {}, 1);
        windowed.now_unix = whole.now_unix;
        assert_eq!(
            serde_json::to_string(&whole).unwrap(),
            serde_json::to_string(&windowed).unwrap()
        );
        let app = |name: &str| {
            whole
                .apps
                .iter()
                .find(|a| a.name == name)
                .unwrap_or_else(|| panic!("no app {name} in {:?}", whole.apps))
        };
        let orders = app("orders-papi");
        assert_eq!(orders.runtime, intguard_model::MuleRuntime::Mule4);
        assert!(orders.root.ends_with("apps/orders"));
        let link = orders.domain_link.as_ref().expect("the pom's domain");
        assert_eq!(link.name, "acme-domain");
        assert!(orders.xml_files.iter().all(|f| !f.contains("/batch/")));
        let batch = app("batch");
        assert!(batch.root.ends_with("apps/orders/batch"));
        assert_eq!(batch.xml_files.len(), 1);
        let domain = app("acme-domain");
        assert!(domain.domain);
        let plugin = app("common-lib");
        let coordinates = plugin.plugin.as_ref().expect("the pom's coordinates");
        assert_eq!(coordinates.artifact_id, "common-lib");
        let legacy = app("legacy-sync");
        assert_eq!(legacy.runtime, intguard_model::MuleRuntime::Mule3);
        assert_eq!(whole.apps.len(), 5, "{:?}", whole.apps);
    }

    /// A monorepo of `apps` apps, then 3 chunks of notes in no app, then
    /// one more app (its files in the last chunk).
    fn apps_around_notes(apps: usize) -> tempfile::TempDir {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for i in 0..apps {
            copy_tree(
                &fixtures.join("mule4-app"),
                &root.join(format!("apps/a-{i:02}")),
            );
        }
        for i in 0..CHUNK * 3 {
            let name = format!("apps/m-notes/notes-{:02}/note-{i:05}.txt", i / 100);
            write(root, &name, "nothing here\n");
        }
        copy_tree(&fixtures.join("mule4-app"), &root.join("apps/z-billing"));
        dir
    }

    /// What [`read_through`] gives.
    struct ReadThrough {
        /// Files walked.
        total: usize,
        /// The bytes the walk's list held before the file pass.
        full: usize,
        /// Apps found.
        apps: usize,
        collected: Collected,
        inventory: Inventory,
    }

    /// `paths` walked and read through the file pass in windows of
    /// `window` files, the walk's list moved out to `store` if any.
    fn read_through(
        paths: &[PathBuf],
        store: Option<Box<dyn ListStore>>,
        window: usize,
    ) -> ReadThrough {
        let options = ReadOptions::default();
        let files = discover::walk(paths, &options).files;
        let (total, full) = (files.len(), files.held_bytes());
        let apps = app_roots(&files, &options);
        let file_app = apps_of_files(&files, &apps);
        let sources = Sources {
            files,
            list_store: store,
            file_app,
            apps: &apps,
            mdapi_roots: Vec::new(),
            options: &options,
            fields_written: true,
        };
        let mut collected = Collected::default();
        let mut inventory = Inventory::default();
        read_files(sources, window, &|_, _| {}, &mut collected, &mut inventory);
        ReadThrough {
            total,
            full,
            apps: apps.len(),
            collected,
            inventory,
        }
    }

    /// The walk's list of files is freed as the pass reads them: after
    /// each window, the list holds only the files still to read (by whole
    /// chunks), whatever the apps around them; and only the app still
    /// being read when a window ends holds parts.
    #[test]
    fn the_walk_list_is_freed_as_the_files_are_read() {
        let dir = apps_around_notes(20);
        let paths = vec![dir.path().to_path_buf()];
        let run = read_through(&paths, None, CHUNK);
        let (total, full, collected, inventory) =
            (run.total, run.full, run.collected, run.inventory);
        assert!(total > CHUNK * 3, "{total}");
        assert_eq!(run.apps, 21);
        assert_eq!(inventory.stats.files, total as u64);
        assert_eq!(collected.assembled.iter().flatten().count(), 21);
        // Only the app a window ends in holds its parts until the next.
        assert!(
            collected.parts_held.iter().all(|&n| n <= 1),
            "{:?}",
            collected.parts_held
        );
        // One entry per window, and one for the assembly after the last.
        let held = &collected.list_held;
        assert_eq!(held.len(), total.div_ceil(CHUNK) + 1, "{held:?}");
        for (w, bytes) in held.iter().enumerate() {
            let chunks_left = total.div_ceil(CHUNK) - (w + 1).min(total / CHUNK);
            // Each chunk left holds at most its share of the list.
            assert!(
                *bytes <= full * chunks_left / (total / CHUNK) + 1024,
                "window {w}: {bytes} of {full} held ({held:?})"
            );
        }
        // Nothing once every file is read.
        assert_eq!(held[held.len() - 2..], [0, 0], "{held:?}");
    }

    /// A monorepo's walk read through the file pass with its list moved
    /// out of memory (the way a scan reads) and with it held: the same
    /// files read into the same apps, and the list out of memory but for
    /// the chunk a window reads; a temporary file that cannot give some of
    /// it back leaves those files unread and says so (`findings-lost`)
    /// instead of stopping.
    #[test]
    fn the_walk_list_waits_out_of_memory_for_the_windows() {
        let dir = apps_around_notes(12);
        let paths = vec![dir.path().to_path_buf()];
        let read = |store: Option<Box<dyn ListStore>>| {
            let ReadThrough {
                total,
                collected,
                inventory,
                ..
            } = read_through(&paths, store, 256);
            let apps: Vec<String> = collected
                .assembled
                .iter()
                .flatten()
                .map(|a| format!("{} {:?}", a.root, a.xml_files))
                .collect();
            (total, inventory, apps, collected.list_held)
        };
        let (total, held_inventory, held_apps, held_list) = read(None);
        assert!(total > CHUNK * 3, "{total}");
        let (_, out_inventory, out_apps, out_list) =
            read(Some(Box::new(tempfile::tempfile().unwrap())));
        assert_eq!(out_apps, held_apps);
        assert_eq!(out_apps.len(), 13);
        assert_eq!(out_inventory.stats.bytes, held_inventory.stats.bytes);
        assert_eq!(out_inventory.stats.files, total as u64);
        assert_eq!(out_inventory.diagnostics, held_inventory.diagnostics);
        // Held: the whole list at the first window. Out: one chunk at most.
        let chunk_bytes = held_list[0] / (total / CHUNK);
        assert!(held_list[0] > 3 * chunk_bytes, "{held_list:?}");
        assert!(
            out_list.iter().all(|&b| b <= chunk_bytes + chunk_bytes / 2),
            "{out_list:?} (a chunk: {chunk_bytes})"
        );

        // A store that fails every read back: the first chunk (never moved
        // out) is read, the rest is lost and counted.
        let (_, lost_inventory, _, _) = read(Some(Box::new(UnreadableStore(Vec::new()))));
        assert_eq!(lost_inventory.stats.files, CHUNK as u64);
        let said: Vec<_> = lost_inventory
            .diagnostics
            .iter()
            .filter(|d| d.code == intguard_model::FINDINGS_LOST)
            .collect();
        assert_eq!(said.len(), 1, "{:?}", lost_inventory.diagnostics);
        assert!(
            said[0].message.starts_with(&format!(
                "{} files the walk found could not be read back",
                total - CHUNK
            )),
            "{}",
            said[0].message
        );
    }

    /// Takes every write, gives no read back.
    struct UnreadableStore(Vec<u8>);

    impl std::io::Write for UnreadableStore {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl std::io::Read for UnreadableStore {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("the disk failed"))
        }
    }

    impl std::io::Seek for UnreadableStore {
        fn seek(&mut self, _: std::io::SeekFrom) -> std::io::Result<u64> {
            Ok(0)
        }
    }
}
