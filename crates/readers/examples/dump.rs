//! Prints the Inventory the readers build for the given paths, as JSON
//! (secret values are not serialized by the model).
//!
//! `cargo run -p intguard-readers --example dump -- PATH...`

use std::path::PathBuf;

fn main() {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let inventory = intguard_readers::read_paths(&paths, &intguard_readers::ReadOptions::default());
    match serde_json::to_string_pretty(&inventory) {
        Ok(json) => println!("{json}"),
        Err(e) => eprintln!("cannot serialize: {e}"),
    }
}
