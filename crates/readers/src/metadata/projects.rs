//! Finding the metadata projects of a scan: SFDX projects from
//! `sfdx-project.json`, Metadata API source folders from `package.xml`.

use std::path::{Path, PathBuf};

use intguard_model::{Diagnostic, Location, MetadataFormat, MetadataProject};

use crate::discover::display_path;

/// The metadata projects of a scan and the Metadata API source folders.
#[derive(Debug, Default)]
pub(crate) struct Projects {
    pub projects: Vec<MetadataProject>,
    pub mdapi_roots: Vec<PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Finds the projects from `sfdx-project.json` and `package.xml` files
/// (path, display path, content).
pub(crate) fn projects(
    sfdx: &[(PathBuf, String, String)],
    packages: &[(PathBuf, String, String)],
) -> Projects {
    let mut out = Projects::default();
    let sfdx_dirs: Vec<&Path> = sfdx.iter().filter_map(|(p, _, _)| p.parent()).collect();
    for (path, display, text) in sfdx {
        let dir = path.parent().unwrap_or(Path::new(""));
        let mut dirs = Vec::new();
        match serde_json::from_str::<serde_json::Value>(crate::position::without_bom(text)) {
            Ok(v) => {
                if let Some(list) = v.get("packageDirectories").and_then(|p| p.as_array()) {
                    for d in list {
                        let Some(p) = d.get("path").and_then(|p| p.as_str()) else {
                            continue;
                        };
                        let full = dir.join(p.trim_end_matches(['/', '\\']));
                        if !full.is_dir() {
                            out.diagnostics.push(Diagnostic::warning(
                                "metadata-project",
                                display.as_str(),
                                format!("package directory `{p}` does not exist"),
                            ));
                        }
                        // The default one first: where new metadata goes
                        // (`sf` puts it there).
                        if d.get("default").and_then(|v| v.as_bool()) == Some(true) {
                            dirs.insert(0, display_path(&full));
                        } else {
                            dirs.push(display_path(&full));
                        }
                    }
                }
            }
            Err(e) => out.diagnostics.push(
                Diagnostic::warning(
                    "json-syntax",
                    display.as_str(),
                    format!("sfdx-project.json is not valid JSON: {e}"),
                )
                .at(
                    u32::try_from(e.line()).unwrap_or(0),
                    u32::try_from(e.column()).unwrap_or(0),
                ),
            ),
        }
        out.projects.push(MetadataProject {
            root: display_path(dir),
            format: MetadataFormat::Sfdx,
            descriptor: Location::file(display.as_str()),
            package_directories: dirs,
        });
    }
    for (path, display, text) in packages {
        let Some(dir) = path.parent() else {
            continue;
        };
        if !text.contains("<Package") {
            continue;
        }
        // A package.xml inside an SFDX project is a manifest.
        if sfdx_dirs.iter().any(|s| dir.starts_with(s)) {
            continue;
        }
        out.mdapi_roots.push(dir.to_path_buf());
        out.projects.push(MetadataProject {
            root: display_path(dir),
            format: MetadataFormat::MetadataApi,
            descriptor: Location::file(display.as_str()),
            package_directories: vec![display_path(dir)],
        });
    }
    out
}
