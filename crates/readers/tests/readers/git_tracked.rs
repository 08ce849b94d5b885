//! The walk respects `.gitignore`, except for files git tracks anyway
//! (`git add -f`): those are committed, so they are read. Needs the `git`
//! command, which every clone of this repository has.

use std::fs;
use std::path::Path;
use std::process::Command;

use intguard_readers::{read_paths, ReadOptions};

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .status()
        .expect("git is installed");
    assert!(status.success(), "git {args:?}");
}

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, bytes).unwrap();
}

const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAu1SU1LfVLPHCozMx\n-----END PRIVATE KEY-----\n";

#[test]
fn force_added_files_are_read_and_ignored_untracked_ones_are_not() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    git(repo, &["init", "-q"]);
    write(repo, ".gitignore", b"keys/\n*.local.pem\n");
    write(repo, "keys/forced.pem", KEY.as_bytes());
    write(repo, "keys/untracked.pem", KEY.as_bytes());
    write(repo, "dev.local.pem", KEY.as_bytes());
    write(repo, "target/forced.pem", KEY.as_bytes());
    git(repo, &["add", "-f", "keys/forced.pem", "target/forced.pem"]);

    let inv = read_paths(&[repo.to_path_buf()], &ReadOptions::default());
    let mut keys: Vec<String> = inv
        .key_material
        .iter()
        .map(|k| {
            k.location
                .path
                .strip_prefix(&format!("{}/", repo.display()))
                .unwrap()
                .to_string()
        })
        .collect();
    keys.sort();
    // target/ is never walked into, tracked or not.
    assert_eq!(keys, ["keys/forced.pem"], "{:?}", inv.key_material);
}

#[test]
fn outside_git_the_ignore_rules_hold() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, ".gitignore", b"keys/\n");
    write(dir, "keys/local.pem", KEY.as_bytes());
    let inv = read_paths(&[dir.to_path_buf()], &ReadOptions::default());
    assert!(inv.key_material.is_empty(), "{:?}", inv.key_material);
}
