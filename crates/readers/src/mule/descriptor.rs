//! App descriptors: `pom.xml` (artifactId, packaging, `<properties>`),
//! `mule-project.xml` (`<name>`), `mule-artifact.json` (`secureProperties`).

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

/// One `<name>value</name>` of a pom's `<properties>`, with the byte offset
/// of its `<`.
#[derive(Debug, Clone)]
pub(crate) struct PomProperty {
    pub name: String,
    pub value: String,
    pub offset: usize,
}

/// The children of `<project><properties>` (and of profiles' `<properties>`).
pub(crate) fn pom_properties(text: &str) -> Vec<PomProperty> {
    let mut reader = Reader::from_str(text);
    let mut out = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut current: Option<PomProperty> = None;
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(0);
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = utf8(e.local_name().as_ref());
                if stack.last().is_some_and(|p| p == "properties") {
                    current = Some(PomProperty {
                        name: utf8(e.name().as_ref()),
                        value: String::new(),
                        offset: before,
                    });
                } else {
                    current = None;
                }
                stack.push(name);
            }
            Ok(Event::End(_)) => {
                stack.pop();
                if stack.last().is_some_and(|p| p == "properties") {
                    if let Some(mut p) = current.take() {
                        p.value = p.value.trim().to_string();
                        out.push(p);
                    }
                }
                current = None;
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
        let props = pom_properties(text);
        assert_eq!(props.len(), 2);
        assert_eq!(props[1].name, "encryption.key");
        assert_eq!(props[1].value, "abc&def");
        assert_eq!(LineIndex::new(text).line(props[1].offset), 8);
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
}
