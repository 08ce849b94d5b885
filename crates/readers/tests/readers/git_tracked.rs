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

/// The files of `inv`'s key material, as paths under `repo`, sorted.
fn key_paths(inv: &intguard_model::Inventory, repo: &Path) -> Vec<String> {
    let repo = fs::canonicalize(repo).unwrap();
    let mut keys: Vec<String> = inv
        .key_material
        .iter()
        .map(|k| {
            let path = fs::canonicalize(&*k.location.path).unwrap();
            path.strip_prefix(&repo).unwrap().display().to_string()
        })
        .collect();
    keys.sort();
    keys
}

/// The repository's `.git/info/exclude` hides what it names, whether the
/// scan starts at the work tree or in a folder of it (its patterns are
/// relative to the work tree). A nested repository's is not read: the
/// walker reads none (a FIFO there blocked the scan), and what only it
/// hides is scanned.
#[test]
fn the_repository_exclude_file_is_honoured_and_a_nested_ones_is_not() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    git(repo, &["init", "-q"]);
    write(
        repo,
        ".git/info/exclude",
        b"# local only\nscratch/\n/apps/orders/*.local.pem\n",
    );
    write(repo, "apps/orders/keys/committed.pem", KEY.as_bytes());
    write(repo, "apps/orders/dev.local.pem", KEY.as_bytes());
    write(repo, "apps/orders/scratch/notes.pem", KEY.as_bytes());
    // The anchored pattern names apps/orders only.
    write(repo, "apps/billing/dev.local.pem", KEY.as_bytes());
    let nested = repo.join("vendor/lib");
    fs::create_dir_all(&nested).unwrap();
    git(&nested, &["init", "-q"]);
    write(&nested, ".git/info/exclude", b"*.pem\n");
    write(&nested, "keys/vendor.pem", KEY.as_bytes());

    let want = [
        "apps/billing/dev.local.pem",
        "apps/orders/keys/committed.pem",
        "vendor/lib/keys/vendor.pem",
    ];
    let inv = read_paths(&[repo.to_path_buf()], &ReadOptions::default());
    assert_eq!(key_paths(&inv, repo), want, "{:?}", inv.diagnostics);
    // From a folder of the work tree, the same patterns hold.
    let inv = read_paths(&[repo.join("apps")], &ReadOptions::default());
    assert_eq!(key_paths(&inv, repo), want[..2], "{:?}", inv.diagnostics);
    let inv = read_paths(&[repo.join("apps/orders")], &ReadOptions::default());
    assert_eq!(key_paths(&inv, repo), want[1..2], "{:?}", inv.diagnostics);
}
