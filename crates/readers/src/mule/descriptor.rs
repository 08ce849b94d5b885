//! App descriptors: `pom.xml` (artifactId, packaging, `<properties>`, the
//! domain dependency), `mule-project.xml` (`<name>`), `mule-artifact.json`
//! (`secureProperties`).

use std::borrow::Cow;

use intguard_model::Diagnostic;
use quick_xml::events::Event;
use quick_xml::Reader;

/// What a `pom.xml` says about the project.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct PomInfo {
    pub artifact_id: Option<String>,
    pub packaging: Option<String>,
}

impl PomInfo {
    pub fn is_mule_application(&self) -> bool {
        self.packaging
            .as_deref()
            .is_some_and(|p| p.trim() == "mule-application")
    }

    /// A Mule 3 app built with Maven (`mule-app-maven-plugin`, packaging
    /// `mule`), which may have no `mule-project.xml`.
    pub fn is_mule3_application(&self) -> bool {
        self.packaging
            .as_deref()
            .is_some_and(|p| p.trim() == "mule")
    }

    /// A domain project (packaging `mule-domain`): the resources its apps
    /// share, in `mule-domain-config.xml`.
    pub fn is_mule_domain(&self) -> bool {
        self.packaging
            .as_deref()
            .is_some_and(|p| p.trim() == "mule-domain")
    }

    /// A Mule 4 plugin built from Mule configurations (packaging
    /// `mule-plugin`): flows and global configurations in `src/main/mule/`
    /// that apps `<import>`, holding credentials like an app's.
    pub fn is_mule_plugin(&self) -> bool {
        self.packaging
            .as_deref()
            .is_some_and(|p| p.trim() == "mule-plugin")
    }

    /// A project discovery reads as an app by its pom alone
    /// ([`crate::mule::app_roots`]): a Mule 4 or Mule 3 app, a domain or a
    /// Mule plugin.
    pub fn is_read_as_app(&self) -> bool {
        self.is_mule_application()
            || self.is_mule_plugin()
            || self.is_mule3_application()
            || self.is_mule_domain()
    }
}

fn utf8(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Reads the project's own `artifactId` and `packaging` (children of
/// `<project>`, not of `<parent>`). Tolerant: stops at the first syntax error.
pub(crate) fn pom_info(text: &str) -> PomInfo {
    let mut reader = Reader::from_str(text);
    let mut info = PomInfo::default();
    let mut path: Vec<String> = Vec::new();
    let mut current = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                path.push(utf8(e.local_name().as_ref()));
                current.clear();
            }
            Ok(Event::End(_)) => {
                if path.len() == 2 && path[0] == "project" {
                    match path[1].as_str() {
                        "artifactId" if info.artifact_id.is_none() => {
                            info.artifact_id = Some(current.trim().to_string());
                        }
                        "packaging" if info.packaging.is_none() => {
                            info.packaging = Some(current.trim().to_string());
                        }
                        _ => {}
                    }
                }
                path.pop();
                current.clear();
            }
            Ok(Event::Text(t)) => current.push_str(&String::from_utf8_lossy(&t)),
            Ok(Event::CData(t)) => current.push_str(&String::from_utf8_lossy(&t)),
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
        if info.artifact_id.is_some() && info.packaging.is_some() {
            break;
        }
    }
    info.artifact_id = info.artifact_id.filter(|a| !a.is_empty());
    info
}

/// A pom's `<dependency>` with a given classifier: its groupId (`None`
/// when absent or a `${...}` reference), artifactId, and the byte offset of
/// its `<artifactId>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClassifiedDependency {
    pub group_id: Option<String>,
    pub artifact_id: String,
    pub offset: usize,
}

/// A pom's dependencies (`<project><dependencies><dependency>`) with
/// `<classifier>{classifier}</classifier>` (`mule-plugin`, `mule-domain`),
/// in order, those with an artifactId. Tolerant: stops at the first syntax
/// error, keeping what it read.
pub(crate) fn classified_dependencies(
    text: &str,
    classifier_wanted: &str,
) -> Vec<ClassifiedDependency> {
    // Every app's pom has connectors for dependencies (classifier
    // `mule-plugin`): element names are kept as small codes and only the
    // three fields' text is gathered, no string per element.
    const OTHER: u8 = 0;
    const PROJECT: u8 = 1;
    const DEPENDENCIES: u8 = 2;
    const DEPENDENCY: u8 = 3;
    const ARTIFACT: u8 = 4;
    const GROUP: u8 = 5;
    const CLASSIFIER: u8 = 6;
    let code = |depth: usize, name: &[u8]| match (depth, name) {
        (0, b"project") => PROJECT,
        (1, b"dependencies") => DEPENDENCIES,
        (2, b"dependency") => DEPENDENCY,
        (3, b"artifactId") => ARTIFACT,
        (3, b"groupId") => GROUP,
        (3, b"classifier") => CLASSIFIER,
        _ => OTHER,
    };
    let mut reader = Reader::from_str(text);
    let mut path: Vec<u8> = Vec::new();
    let mut current = String::new();
    let mut out = Vec::new();
    let (mut group, mut artifact, mut classifier) = (String::new(), None, String::new());
    let in_dependency =
        |path: &[u8]| path.len() >= 3 && path[..3] == [PROJECT, DEPENDENCIES, DEPENDENCY];
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(0);
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let c = code(path.len(), e.local_name().as_ref());
                path.push(c);
                current.clear();
                if c == ARTIFACT && in_dependency(&path) {
                    artifact = Some((String::new(), before));
                }
            }
            Ok(Event::End(_)) => {
                if in_dependency(&path) {
                    match (path.len(), path.last().copied()) {
                        (4, Some(ARTIFACT)) => {
                            if let Some(a) = artifact.as_mut() {
                                a.0 = current.trim().to_string();
                            }
                        }
                        (4, Some(GROUP)) => group = current.trim().to_string(),
                        (4, Some(CLASSIFIER)) => classifier = current.trim().to_string(),
                        (3, _) => {
                            if let Some((a, offset)) = artifact.take() {
                                if classifier == classifier_wanted && !a.is_empty() {
                                    out.push(ClassifiedDependency {
                                        group_id: known(&group),
                                        artifact_id: a,
                                        offset,
                                    });
                                }
                            }
                            group.clear();
                            classifier.clear();
                        }
                        _ => {}
                    }
                }
                path.pop();
                current.clear();
            }
            // Only the dependency's own fields' text is wanted.
            Ok(Event::Text(t)) if path.len() == 4 && path[3] != OTHER => {
                current.push_str(&String::from_utf8_lossy(&t))
            }
            Ok(Event::CData(t)) if path.len() == 4 && path[3] != OTHER => {
                current.push_str(&String::from_utf8_lossy(&t))
            }
            Ok(Event::Eof) | Err(_) => return out,
            Ok(_) => {}
        }
    }
}

/// [`plugin_dependencies`] located in the pom at `display` (`text` with
/// any byte order mark skipped).
pub(crate) fn located_plugin_dependencies(
    text: &str,
    display: &str,
) -> Vec<intguard_model::PluginDependency> {
    let deps = classified_dependencies(text, "mule-plugin");
    if deps.is_empty() {
        return Vec::new();
    }
    let bytes = text.as_bytes();
    let index = crate::position::LineIndex::new(text);
    deps.into_iter()
        .map(|d| {
            let (line, column) = index.locate(text, crate::position::tag_start(bytes, d.offset));
            intguard_model::PluginDependency {
                group_id: d.group_id,
                artifact_id: d.artifact_id,
                location: intguard_model::Location::new(display, line, column),
            }
        })
        .collect()
}

/// A groupId as written, unless empty or a reference (`${project.groupId}`).
fn known(group: &str) -> Option<String> {
    (!group.is_empty() && !group.contains("${")).then(|| group.to_string())
}

/// A Mule plugin project's coordinates: its pom's own `groupId` (else its
/// `<parent>`'s) and `artifactId`. Tolerant: stops at the first syntax error.
pub(crate) fn plugin_coordinates(text: &str) -> Option<intguard_model::PluginCoordinates> {
    let mut reader = Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut current = String::new();
    let (mut group, mut parent_group, mut artifact) = (None, None, None);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                path.push(utf8(e.local_name().as_ref()));
                current.clear();
            }
            Ok(Event::End(_)) => {
                if path.first().is_some_and(|p| p == "project") {
                    match (path.len(), path.last().map(String::as_str)) {
                        (2, Some("groupId")) => group = known(current.trim()),
                        (2, Some("artifactId")) => artifact = Some(current.trim().to_string()),
                        (3, Some("groupId")) if path[1] == "parent" => {
                            parent_group = known(current.trim())
                        }
                        _ => {}
                    }
                }
                path.pop();
                current.clear();
            }
            Ok(Event::Text(t)) => current.push_str(&String::from_utf8_lossy(&t)),
            Ok(Event::CData(t)) => current.push_str(&String::from_utf8_lossy(&t)),
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    Some(intguard_model::PluginCoordinates {
        group_id: group.or(parent_group),
        artifact_id: artifact.filter(|a| !a.is_empty())?,
    })
}

/// The domain a Mule 4 app is deployed in: the `artifactId` of its pom's
/// `<dependency>` with `<classifier>mule-domain</classifier>` (a child of
/// `<project><dependencies>`), with the byte offset of that `<artifactId>`.
/// Tolerant: stops at the first syntax error.
pub(crate) fn domain_dependency(text: &str) -> Option<(String, usize)> {
    classified_dependencies(text, "mule-domain")
        .into_iter()
        .next()
        .map(|d| (d.artifact_id, d.offset))
}

/// The `<parent>` a pom names: its artifactId and `<relativePath>` (`None`
/// when absent: Maven's default `../pom.xml`; empty: not looked up on disk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParentRef {
    pub artifact_id: String,
    pub relative_path: Option<String>,
}

/// Reads `<project><parent>`. Tolerant: stops at the first syntax error.
pub(crate) fn parent_ref(text: &str) -> Option<ParentRef> {
    let mut reader = Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut artifact_id: Option<String> = None;
    let mut relative_path: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                path.push(utf8(e.local_name().as_ref()));
                current.clear();
            }
            Ok(Event::Empty(e)) => {
                if path.len() == 2
                    && path[0] == "project"
                    && path[1] == "parent"
                    && e.local_name().as_ref() == b"relativePath"
                {
                    relative_path = Some(String::new());
                }
            }
            Ok(Event::End(_)) => {
                if path.len() == 3 && path[0] == "project" && path[1] == "parent" {
                    match path[2].as_str() {
                        "artifactId" => artifact_id = Some(current.trim().to_string()),
                        "relativePath" => relative_path = Some(current.trim().to_string()),
                        _ => {}
                    }
                }
                if path.len() == 2 && path[0] == "project" && path[1] == "parent" {
                    break;
                }
                path.pop();
                current.clear();
            }
            Ok(Event::Text(t)) => current.push_str(&String::from_utf8_lossy(&t)),
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    Some(ParentRef {
        artifact_id: artifact_id.filter(|a| !a.is_empty())?,
        relative_path,
    })
}

/// The domain a Mule 4 app inherits from its parent poms (Maven children
/// inherit a parent's `<dependencies>`: an aggregator may declare the
/// domain for all its apps), following `<parent>` on disk from the app's
/// `pom.xml` (`dir`, shown as `display`) while each pom found is the
/// parent named (its artifactId), up to 8 levels. The link is located at
/// the parent pom's dependency.
pub(crate) fn inherited_domain_link(
    dir: &std::path::Path,
    display: &str,
) -> Option<intguard_model::DomainLink> {
    let read = |p: &std::path::Path| {
        crate::read_limited(p, 1 << 20).map(|b| crate::lossy_text(&b).into_owned())
    };
    let mut pom = dir.join("pom.xml");
    let mut shown = join_shown(display, "pom.xml");
    // Only an app's pom that names a parent is decoded and parsed: most
    // have none, and doing both for every app cost 0.4% of a scan.
    let mut text = crate::read_limited(&pom, 1 << 20)
        .filter(|b| memchr::memmem::find(b, b"parent").is_some())
        .map(|b| crate::lossy_text(&b).into_owned())?;
    for _ in 0..8 {
        let parent = parent_ref(crate::position::without_bom(&text))?;
        let rel = parent.relative_path.as_deref().unwrap_or("../pom.xml");
        if rel.is_empty() {
            return None;
        }
        let (mut next, mut next_shown) = (
            pom.parent()?.join(rel),
            join_shown(&parent_of_shown(&shown), rel),
        );
        if next.is_dir() {
            next = next.join("pom.xml");
            next_shown = join_shown(&next_shown, "pom.xml");
        }
        let next_text = read(&next)?;
        let body = crate::position::without_bom(&next_text);
        if pom_info(body).artifact_id.as_deref() != Some(parent.artifact_id.as_str()) {
            return None;
        }
        if body.contains("mule-domain") {
            if let Some((name, at)) = domain_dependency(body) {
                let bytes = body.as_bytes();
                let (line, column) = crate::position::LineIndex::new(body)
                    .locate(body, crate::position::tag_start(bytes, at));
                return Some(intguard_model::DomainLink {
                    name,
                    location: intguard_model::Location::new(next_shown, line, column),
                });
            }
        }
        (pom, shown, text) = (next, next_shown, next_text);
    }
    None
}

/// `base` (a display path, `/`-separated) joined with `rel`, `..` and `.`
/// taken lexically where `base` allows.
fn join_shown(base: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if base.is_empty() {
        Vec::new()
    } else {
        base.split('/').collect()
    };
    for c in rel.split(['/', '\\']) {
        match c {
            "" | "." => {}
            ".." => match parts.last() {
                // `.` alone stands for the folder: its parent is `..`.
                Some(&".") if parts.len() == 1 => parts[0] = "..",
                Some(&last) if last != ".." && last != "." && !last.is_empty() => {
                    parts.pop();
                }
                _ => parts.push(".."),
            },
            c => parts.push(c),
        }
    }
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// The folder of a display path.
fn parent_of_shown(shown: &str) -> String {
    match shown.rfind('/') {
        Some(i) => shown[..i].to_string(),
        None => ".".to_string(),
    }
}

/// `<name>` of a Mule 3 `mule-project.xml`.
pub(crate) fn mule_project_name(text: &str) -> Option<String> {
    let mut reader = Reader::from_str(text);
    let mut depth = 0usize;
    let mut in_name = false;
    let mut name = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                depth += 1;
                in_name = depth == 2 && e.local_name().as_ref() == b"name";
            }
            Ok(Event::End(_)) => {
                if in_name {
                    let n = name.trim().to_string();
                    return (!n.is_empty()).then_some(n);
                }
                depth = depth.saturating_sub(1);
            }
            Ok(Event::Text(t)) if in_name => name.push_str(&String::from_utf8_lossy(&t)),
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// A value a pom sets: a `<name>value</name>` of its `<properties>` (or of a
/// Mule Maven plugin deployment's `<properties>` / `<secureProperties>`),
/// or a plugin setting whose name says it holds a secret, with the byte
/// offset of its `<`.
#[derive(Debug, Clone)]
pub(crate) struct PomProperty {
    /// The property's name; for a plugin setting, its parent element and
    /// its own (`cloudhub2Deployment/password`).
    pub name: String,
    pub value: String,
    pub offset: usize,
    /// A plugin `<configuration>` setting (not a property).
    pub plugin_setting: bool,
    /// The Mule Maven plugin deployment whose `<properties>` or
    /// `<secureProperties>` set it (`cloudhub2Deployment`): a property
    /// Runtime Manager sets on the deployed app.
    pub deployment: Option<String>,
}

/// Elements whose children are property definitions: the project's (and
/// profiles') `<properties>`, a Mule Maven plugin deployment's
/// `<properties>` and `<secureProperties>` (what Runtime Manager sets on the
/// app when the plugin deploys it), and the system properties and
/// environment variables a test plugin (MUnit's, Surefire's) runs the app
/// with (`<systemPropertyVariables><mule.key>...`).
fn holds_properties(element: &str) -> bool {
    matches!(
        element,
        "properties" | "secureProperties" | "systemPropertyVariables" | "environmentVariables"
    )
}

/// A Mule Maven plugin deployment's element (`cloudHubDeployment`,
/// `cloudhub2Deployment`, `runtimeFabricDeployment`, `armDeployment`,
/// `standaloneDeployment`).
fn is_deployment(element: &str) -> bool {
    element.ends_with("Deployment")
}

/// Every [`PomProperty`] of a pom: the property definitions, and the leaf
/// elements of a plugin's `<configuration>` named like a secret
/// (`<cloudhub2Deployment><password>`, a database plugin's `<password>`),
/// which `is_secret` tells.
pub(crate) fn pom_definitions(text: &str, is_secret: impl Fn(&str) -> bool) -> Vec<PomProperty> {
    let mut reader = Reader::from_str(text);
    let mut out = Vec::new();
    // The open elements' names, borrowed from the text: a pom has hundreds
    // of elements, and a copy of each name was most of this function's time.
    let mut stack: Vec<Cow<'_, str>> = Vec::new();
    let mut current: Option<PomProperty> = None;
    // How many `<configuration>` elements are open: counted, not searched
    // for in the stack, which a garbled pom nests 100,000s deep (found by
    // the fuzzer: quadratic time).
    let mut configurations = 0usize;
    // The deployment element open, with its depth: none nests in another.
    let mut deployment: Option<(String, usize)> = None;
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(0);
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = crate::mule::xml::piece_of(text, e.local_name().into_inner());
                let parent = stack.last().map(|p| &**p);
                let deployed = parent
                    .filter(|p| matches!(*p, "properties" | "secureProperties"))
                    .and(deployment.as_ref())
                    .filter(|(_, depth)| *depth + 2 == stack.len())
                    .map(|(d, _)| d.to_string());
                current = if parent.is_some_and(holds_properties) {
                    Some(PomProperty {
                        name: utf8(e.name().as_ref()),
                        value: String::new(),
                        offset: before,
                        plugin_setting: false,
                        deployment: deployed,
                    })
                } else if configurations > 0 && is_secret(&name) {
                    Some(PomProperty {
                        name: format!("{}/{name}", parent.unwrap_or_default()),
                        value: String::new(),
                        offset: before,
                        plugin_setting: true,
                        deployment: None,
                    })
                } else {
                    None
                };
                configurations += usize::from(name == "configuration");
                if configurations > 0 && deployment.is_none() && is_deployment(&name) {
                    deployment = Some((name.to_string(), stack.len()));
                }
                stack.push(name);
            }
            Ok(Event::End(_)) => {
                if stack.pop().is_some_and(|e| e == "configuration") {
                    configurations -= 1;
                }
                if deployment.as_ref().is_some_and(|(_, d)| *d == stack.len()) {
                    deployment = None;
                }
                // Only a leaf: an element with children is a container.
                if let Some(mut p) = current.take() {
                    p.value = p.value.trim().to_string();
                    out.push(p);
                }
            }
            Ok(Event::Text(t)) => {
                if let Some(p) = current.as_mut() {
                    p.value.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Ok(Event::CData(t)) => {
                if let Some(p) = current.as_mut() {
                    p.value.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if let Some(p) = current.as_mut() {
                    p.value.push_str(&crate::mule::xml::resolve_ref(&r));
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    out
}

/// What `mule-artifact.json` declares.
#[derive(Debug, Default, Clone)]
pub(crate) struct ArtifactJson {
    pub secure_properties: Option<Vec<String>>,
}

/// Parses `mule-artifact.json`; a syntax error becomes a `json-syntax`
/// diagnostic with line and column.
pub(crate) fn artifact_json(
    text: &str,
    display: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> ArtifactJson {
    // A byte order mark (Windows editors write one) is no JSON syntax error.
    let text = crate::position::without_bom(text);
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let mut d = Diagnostic::error("json-syntax", display, format!("invalid JSON: {e}"));
            if e.line() > 0 {
                d = d.at(
                    u32::try_from(e.line()).unwrap_or(u32::MAX),
                    u32::try_from(e.column().max(1)).unwrap_or(u32::MAX),
                );
            }
            diagnostics.push(d);
            return ArtifactJson::default();
        }
    };
    let secure_properties = value.get("secureProperties").map(|sp| {
        sp.as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    });
    ArtifactJson { secure_properties }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::position::LineIndex;

    #[test]
    fn parent_and_its_relative_path() {
        let text = r#"<project><modelVersion>4.0.0</modelVersion>
  <parent><groupId>g</groupId><artifactId>apps-parent</artifactId><version>1</version></parent>
  <artifactId>orders-sapi</artifactId></project>"#;
        assert_eq!(
            parent_ref(text),
            Some(ParentRef {
                artifact_id: "apps-parent".into(),
                relative_path: None
            })
        );
        let at = |rel: &str| {
            parent_ref(&format!(
                "<project><parent><artifactId>p</artifactId>{rel}</parent></project>"
            ))
            .and_then(|p| p.relative_path)
        };
        assert_eq!(
            at("<relativePath>../../pom.xml</relativePath>").as_deref(),
            Some("../../pom.xml")
        );
        // Empty: Maven does not look on disk.
        assert_eq!(at("<relativePath/>").as_deref(), Some(""));
        assert_eq!(
            parent_ref("<project><artifactId>a</artifactId></project>"),
            None
        );
    }

    #[test]
    fn shown_paths_join_lexically() {
        assert_eq!(
            join_shown("./apps/orders-sapi", "../pom.xml"),
            "./apps/pom.xml"
        );
        assert_eq!(
            join_shown("apps/orders-sapi/pom.xml", "x"),
            "apps/orders-sapi/pom.xml/x"
        );
        assert_eq!(join_shown(".", "../pom.xml"), "../pom.xml");
        assert_eq!(join_shown("a", "../../p/pom.xml"), "../p/pom.xml");
        assert_eq!(
            parent_of_shown("./apps/orders-sapi/pom.xml"),
            "./apps/orders-sapi"
        );
        assert_eq!(parent_of_shown("pom.xml"), ".");
    }

    #[test]
    fn pom() {
        let text = r#"<?xml version="1.0"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <parent><artifactId>parent-pom</artifactId><packaging>pom</packaging></parent>
  <artifactId>orders-sapi</artifactId>
  <packaging>mule-application</packaging>
  <properties>
    <mule.maven.plugin.version>4.1.1</mule.maven.plugin.version>
    <encryption.key>abc&amp;def</encryption.key>
  </properties>
</project>"#;
        let info = pom_info(text);
        assert_eq!(info.artifact_id.as_deref(), Some("orders-sapi"));
        assert!(info.is_mule_application());
        let props = pom_definitions(text, |_| false);
        assert_eq!(props.len(), 2);
        assert_eq!(props[1].name, "encryption.key");
        assert_eq!(props[1].value, "abc&def");
        assert_eq!(LineIndex::new(text).line(props[1].offset), 8);
    }

    /// A Mule Maven plugin deployment: its `<properties>` and
    /// `<secureProperties>` are property definitions; its `<password>`, a
    /// plugin setting named `parent/setting`; containers and settings not
    /// named like secrets are not definitions.
    #[test]
    fn deployment_settings_and_properties() {
        let text = r#"<project>
  <build><plugins><plugin>
    <artifactId>mule-maven-plugin</artifactId>
    <configuration>
      <cloudhub2Deployment>
        <username>deployer@acme.com</username>
        <password>Dep&amp;loy</password>
        <properties><mule.env>prod</mule.env></properties>
        <secureProperties>
          <encryption.key>k1</encryption.key>
        </secureProperties>
        <deploymentSettings><http><inbound><publicUrl>x</publicUrl></inbound></http></deploymentSettings>
      </cloudhub2Deployment>
    </configuration>
  </plugin>
  <plugin>
    <artifactId>flyway-maven-plugin</artifactId>
    <configuration><url>jdbc:h2:mem:x</url><user>u</user><password>${db.pw}</password></configuration>
  </plugin></plugins></build>
</project>"#;
        let defs: Vec<(String, String, bool, u32)> =
            pom_definitions(text, crate::text::is_sensitive_name)
                .into_iter()
                .map(|p| {
                    let line = LineIndex::new(text).line(p.offset);
                    (p.name, p.value, p.plugin_setting, line)
                })
                .collect();
        let deployed: Vec<(String, Option<String>)> =
            pom_definitions(text, crate::text::is_sensitive_name)
                .into_iter()
                .map(|p| (p.name, p.deployment))
                .collect();
        let by = |n: &str, d: Option<&str>| (n.to_string(), d.map(str::to_string));
        assert_eq!(
            deployed,
            vec![
                by("cloudhub2Deployment/password", None),
                by("mule.env", Some("cloudhub2Deployment")),
                by("encryption.key", Some("cloudhub2Deployment")),
                by("configuration/password", None),
            ],
            "the deployment's properties say which deployment sets them"
        );
        let owned = |n: &str, v: &str, s: bool, l: u32| (n.to_string(), v.to_string(), s, l);
        assert_eq!(
            defs,
            vec![
                owned("cloudhub2Deployment/password", "Dep&loy", true, 7),
                owned("mule.env", "prod", false, 8),
                owned("encryption.key", "k1", false, 10),
                owned("configuration/password", "${db.pw}", true, 18),
            ]
        );
    }

    /// The system properties and environment variables a test plugin runs
    /// the app with are definitions too (a key committed for MUnit is
    /// committed); the plugin's other settings are not.
    #[test]
    fn test_plugin_system_properties() {
        let text = r#"<project>
  <build><plugins><plugin>
    <groupId>com.mulesoft.munit.tools</groupId>
    <artifactId>munit-maven-plugin</artifactId>
    <configuration>
      <runtimeVersion>4.6.0</runtimeVersion>
      <systemPropertyVariables>
        <mule.env>test</mule.env>
        <mule.key>MunitKey-16bytes</mule.key>
      </systemPropertyVariables>
      <environmentVariables><SFDC_TOKEN>tok</SFDC_TOKEN></environmentVariables>
    </configuration>
  </plugin></plugins></build>
</project>"#;
        let defs: Vec<(String, String, u32)> = pom_definitions(text, |_| false)
            .into_iter()
            .map(|p| (p.name, p.value, LineIndex::new(text).line(p.offset)))
            .collect();
        let owned = |n: &str, v: &str, l: u32| (n.to_string(), v.to_string(), l);
        assert_eq!(
            defs,
            vec![
                owned("mule.env", "test", 8),
                owned("mule.key", "MunitKey-16bytes", 9),
                owned("SFDC_TOKEN", "tok", 11),
            ]
        );
    }

    #[test]
    fn mule_project() {
        let text = "<mule-project xmlns=\"http://www.mulesoft.com/tooling/project\">\n <name>legacy-app</name>\n</mule-project>";
        assert_eq!(mule_project_name(text).as_deref(), Some("legacy-app"));
    }

    #[test]
    fn artifact() {
        let mut d = Vec::new();
        let a = artifact_json(
            r#"{"minMuleVersion":"4.4.0","secureProperties":["a","b"]}"#,
            "m.json",
            &mut d,
        );
        assert_eq!(a.secure_properties, Some(vec!["a".into(), "b".into()]));
        let a = artifact_json("{\n \"x\": [1,\n", "m.json", &mut d);
        assert!(a.secure_properties.is_none());
        assert_eq!(d[0].code, "json-syntax");
        assert!(d[0].line.is_some());
    }

    #[test]
    fn mule_plugin_coordinates_and_dependencies() {
        let plugin = r#"<project><parent><groupId>com.acme.parent</groupId><artifactId>p</artifactId></parent>
  <artifactId>common-lib</artifactId><packaging>mule-plugin</packaging></project>"#;
        assert_eq!(
            plugin_coordinates(plugin),
            Some(intguard_model::PluginCoordinates {
                group_id: Some("com.acme.parent".into()),
                artifact_id: "common-lib".into()
            })
        );
        let app = r#"<project><groupId>com.acme</groupId><artifactId>orders</artifactId>
  <dependencies>
    <dependency><groupId>com.acme</groupId><artifactId>acme-domain</artifactId><classifier>mule-domain</classifier></dependency>
    <dependency><groupId>${project.groupId}</groupId><artifactId>common-lib</artifactId><version>1</version><classifier>mule-plugin</classifier></dependency>
    <dependency><groupId>org.mule.connectors</groupId><artifactId>mule-salesforce-connector</artifactId><classifier>mule-plugin</classifier></dependency>
  </dependencies></project>"#;
        let deps = classified_dependencies(app, "mule-plugin");
        let names: Vec<(Option<&str>, &str)> = deps
            .iter()
            .map(|d| (d.group_id.as_deref(), d.artifact_id.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                (None, "common-lib"),
                (Some("org.mule.connectors"), "mule-salesforce-connector")
            ]
        );
        assert!(app[deps[0].offset..].starts_with("<artifactId>common-lib"));
        // Broken: what was read before the error.
        assert!(
            classified_dependencies("<project><dependencies><dependency>", "mule-plugin")
                .is_empty()
        );
    }
}
