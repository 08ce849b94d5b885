//! `intguard fix secrets`: move plaintext secrets (IG102) into encrypted secure properties,
//! or re-encrypt secure properties under a new key (`--rotate-key`) or with strong settings
//! (`--upgrade-encryption`). The logic is in the
//! `intguard-fix` crate; this is argument handling, the git guard and output.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use intguard_engine::{run_rules, Config, ScanOptions};
use intguard_fix::{
    dirty_files, plan_rotation, plan_secrets, verify, verify_unchanged, Plan, SecretsOptions,
};
use intguard_model::secret::fingerprint;
use intguard_model::Inventory;
use intguard_rules::protect_credentials::where_key_is_committed;
use mule_secure_props::{Algorithm, Mode};

use super::secure_props::load_key;
use crate::{exit, output};

#[derive(Args)]
pub struct FixArgs {
    #[command(subcommand)]
    command: FixCommand,
}

#[derive(Subcommand)]
enum FixCommand {
    /// Move plaintext secrets (IG102) of Mule apps into encrypted secure properties, or
    /// re-encrypt every `![...]` value under a new key (--rotate-key) or with AES and random
    /// IVs (--upgrade-encryption).
    Secrets(SecretsArgs),
    /// Switch the Mule 4 Salesforce connections that log in with a password (IG101:
    /// basic-connection, oauth-user-pass-connection) to the JWT bearer flow,
    /// <salesforce:jwt-connection>, in place; add the properties it reads; list the
    /// password properties no longer read. Mule 3 connections are listed, not rewritten.
    Jwt(super::fix_jwt::JwtArgs),
    /// Write a least-privilege permission set for each integration user: exactly the
    /// object access its Mule apps use (their Salesforce operations and SOQL), to replace
    /// the broad profile and sets IG301, IG302 and IG304 report.
    Permissions(super::fix_permissions::PermissionsArgs),
}

/// The encryption key: from an environment variable or a file, never the command line.
#[derive(Args)]
#[group(required = true, multiple = false)]
struct FixKey {
    /// Environment variable holding the secure-properties key.
    #[arg(long, value_name = "VAR")]
    key_env: Option<String>,
    /// File holding the secure-properties key (one trailing newline is ignored).
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,
}

#[derive(Args)]
struct SecretsArgs {
    /// The Mule app, or a folder of apps (default: the current folder).
    path: Option<PathBuf>,
    #[command(flatten)]
    key: FixKey,
    /// Algorithm of a secure-properties configuration the fix creates (existing
    /// configurations keep theirs).
    #[arg(long, value_name = "ALG", default_value = "AES")]
    algorithm: String,
    /// Mode of a secure-properties configuration the fix creates.
    #[arg(long, value_name = "MODE", default_value = "CBC")]
    mode: String,
    /// Print the changes as a unified diff (secrets masked) and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Write even when files to change have uncommitted changes in git.
    #[arg(long)]
    force: bool,
    /// Re-encrypt every `![...]` value from the key of --key-env/--key-file to the key in
    /// this environment variable.
    #[arg(long, value_name = "NEW_KEY_ENV")]
    rotate_key: Option<String>,
    /// Re-encrypt every `![...]` value with AES/CBC and random IVs (Mule 3: AES/CBC, it has
    /// no random IVs) and set each secure-properties configuration to match (IG108); with
    /// --rotate-key, under the new key at the same time. Settings read from properties are
    /// resolved per environment and then written in the XML.
    #[arg(long)]
    upgrade_encryption: bool,
}

pub fn run(args: FixArgs) -> i32 {
    match args.command {
        FixCommand::Secrets(a) => secrets(a),
        FixCommand::Permissions(a) => super::fix_permissions::run(a),
        FixCommand::Jwt(a) => super::fix_jwt::run(a),
    }
}

fn secrets(args: SecretsArgs) -> i32 {
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !path.exists() {
        return exit::usage_error(format!("{}: no such file or folder", path.display()));
    }
    let key = match load_key(
        args.key.key_env.as_deref(),
        args.key.key_file.as_deref(),
        None,
    ) {
        Ok(k) => k,
        Err(e) => return exit::usage_error(e),
    };
    let algorithm = match Algorithm::parse(&args.algorithm) {
        Ok(a) => a,
        Err(e) => return exit::usage_error(e),
    };
    let mode = match Mode::parse(&args.mode) {
        Ok(m) => m,
        Err(e) => return exit::usage_error(e),
    };
    let options = match fix_scan_options(&path) {
        Ok(o) => o,
        Err(e) => return exit::usage_error(e),
    };
    let reencrypt = args.rotate_key.is_some() || args.upgrade_encryption;
    // A Mule plugin's secure-properties configs are lent to the apps
    // importing their file, as a scan does: they read the apps' files,
    // whose values are encrypted (or re-encrypted) as they decrypt (and are
    // checked so after).
    let read = || {
        let mut inventory = read_for_fix(&options);
        inventory.lend_plugin_configurations();
        inventory
    };
    let inventory = read();

    // What the values were encrypted with before: the check after writing
    // decrypts the old values with it.
    let old_key = key.clone();
    let (plan, final_key) = if reencrypt {
        let new_key = match &args.rotate_key {
            Some(var) => match load_key(Some(var), None, None) {
                Ok(k) => k,
                Err(e) => return exit::usage_error(e),
            },
            None => key.clone(),
        };
        match plan_rotation(&inventory, &key, &new_key, args.upgrade_encryption) {
            Ok(p) => (p, new_key),
            Err(e) => return exit::usage_error(e),
        }
    } else {
        let outcome = run_rules(inventory.clone(), &options);
        let findings: Vec<_> = outcome
            .findings
            .into_vec()
            .into_iter()
            .filter(|f| f.rule == "IG102")
            .collect();
        match plan_secrets(
            &inventory,
            &findings,
            &key,
            &SecretsOptions { algorithm, mode },
        ) {
            Ok(p) => (p, key),
            Err(e) => return exit::usage_error(e),
        }
    };

    // Values encrypted with a key the repository holds are as readable as
    // in clear: refused (rotating away from a committed old key is fine).
    if !plan.is_empty() {
        if let Some(refusal) = committed_key_refusal(&inventory, &final_key, &args, &path) {
            return exit::usage_error(refusal);
        }
    }
    report(&plan, args.dry_run);
    if plan.is_empty() {
        eprintln!("intguard: nothing to change");
        return left_code(&plan);
    }
    if args.dry_run {
        return dry_run(&plan);
    }
    // Check the result as Mule will read it: every moved value opens, every
    // file written still reads, and every property keeps its values. If not,
    // the files are put back as they were.
    let written = write_checked(&plan, args.force, || {
        let after = read();
        let mut problems = verify(&after, &plan.moved, &final_key);
        problems.extend(verify_unchanged(
            &inventory,
            &after,
            &plan.paths(),
            &old_key,
            &final_key,
        ));
        problems
    });
    if let Err(code) = written {
        return code;
    }
    eprintln!(
        "intguard: {} file(s) changed, {} value(s) encrypted and checked",
        plan.changes.len(),
        plan.moved.len()
    );
    left_code(&plan)
}

/// The error refusing to encrypt with `key` when the repository commits it
/// (where IG103 finds secure-properties keys): where, the key masked, and the
/// way out (`--rotate-key`). `None` when it is not committed.
fn committed_key_refusal(
    inventory: &Inventory,
    key: &[u8],
    args: &SecretsArgs,
    path: &Path,
) -> Option<String> {
    const SHOWN: usize = 3;
    let places = where_key_is_committed(inventory, key);
    if places.is_empty() {
        return None;
    }
    let mut at: Vec<String> = places
        .iter()
        .take(SHOWN)
        .map(|l| format!("{}:{}", l.path, l.line))
        .collect();
    if places.len() > SHOWN {
        at.push(format!("{} more", places.len() - SHOWN));
    }
    let text = String::from_utf8_lossy(key);
    let digest = format!(
        "{} characters, sha256:{}",
        text.chars().count(),
        fingerprint(&text)
    );
    let (which, way_out) = match &args.rotate_key {
        Some(var) => (
            format!("the new key of --rotate-key {var}"),
            "rotate to a new key kept out of the repository (supplied at deploy time)".to_string(),
        ),
        None => {
            let old = match (&args.key.key_env, &args.key.key_file) {
                (Some(var), _) => format!("--key-env {var}"),
                (None, Some(file)) => format!("--key-file {}", file.display()),
                (None, None) => "--key-env <VAR holding this key>".to_string(),
            };
            let upgrade = if args.upgrade_encryption {
                " --upgrade-encryption"
            } else {
                ""
            };
            (
                format!("the key of {old}"),
                format!(
                    "rotate it first, to a new key kept out of the repository: intguard fix secrets {old} --rotate-key <VAR holding the new key>{upgrade} {}; then fix with the new key",
                    path.display()
                ),
            )
        }
    };
    Some(format!(
        "refusing to encrypt with {which} ({digest}): it is committed in the repository at {} (IG103), so the encrypted values would be as readable as in clear; {way_out}. Nothing was written",
        at.join(", ")
    ))
}

/// The scan options a fix reads `path` with: its intguard.toml's ignores, no
/// symbolic links followed (files are rewritten: never through a link to
/// somewhere else).
pub(super) fn fix_scan_options(path: &Path) -> Result<ScanOptions, String> {
    let paths = vec![path.to_path_buf()];
    let config = Config::discover(&paths).map_err(|e| e.to_string())?;
    Ok(ScanOptions {
        paths,
        config,
        baseline: None,
        threads: 0,
        follow_symlinks: false,
        paths_only: true,
    })
}

/// The inventory of a fix's paths (read before planning, and again to check
/// what was written).
pub(super) fn read_for_fix(options: &ScanOptions) -> Inventory {
    let read_options = intguard_readers::ReadOptions {
        ignore_globs: options.config.paths.ignore.clone(),
        ignore_base: options.config.found_above.clone(),
        ..Default::default()
    };
    intguard_readers::read_paths(&options.paths, &read_options)
}

/// `--dry-run`: the plan's diff (secrets masked) on standard output, nothing
/// written.
pub(super) fn dry_run(plan: &Plan) -> i32 {
    if let Err(e) = output::print(&plan.diff()) {
        return exit::usage_error(format!("cannot write the diff: {e}"));
    }
    eprintln!(
        "intguard: dry run: {} file(s) would change; nothing was written",
        plan.changes.len()
    );
    left_code(plan)
}

/// Writes the plan, unless a file to change has uncommitted changes in git
/// (and not `force`); then `check` reads the result back: when it finds
/// problems, every file is put back as it was. `Err`: the exit code, the
/// error printed.
pub(super) fn write_checked(
    plan: &Plan,
    force: bool,
    check: impl FnOnce() -> Vec<String>,
) -> Result<(), i32> {
    if !force {
        let dirty = dirty_files(&plan.paths());
        if !dirty.is_empty() {
            let list: Vec<String> = dirty
                .iter()
                .map(|p| intguard_model::path_text::display_path(p))
                .collect();
            return Err(exit::usage_error(format!(
                "uncommitted changes in files the fix would edit (commit or stash them, or use --force): {}",
                list.join(", ")
            )));
        }
    }
    if let Err(e) = plan.apply() {
        return Err(exit::usage_error(format!(
            "writing the changes failed: {e}"
        )));
    }
    let problems = check();
    if !problems.is_empty() {
        let failed = plan.restore();
        let restored = if failed.is_empty() {
            "every file was put back as it was".to_string()
        } else {
            format!(
                "putting the files back failed for {} (restore them from git)",
                failed.join(", ")
            )
        };
        return Err(exit::usage_error(format!(
            "the fix did not read back as intended, so {restored}: {}",
            problems.join("; ")
        )));
    }
    Ok(())
}

pub(super) fn report(plan: &Plan, dry_run: bool) {
    let verb = if dry_run { "would" } else { "will" };
    for a in &plan.actions {
        eprintln!("intguard: {verb} {}", plan.redact(a));
    }
    for s in &plan.skipped {
        eprintln!("intguard: left as is: {}", plan.redact(s));
    }
}

/// 1 when some findings were left for a person to fix.
pub(super) fn left_code(plan: &Plan) -> i32 {
    if plan.skipped.is_empty() {
        exit::OK
    } else {
        exit::FINDINGS
    }
}
