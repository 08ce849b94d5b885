//! [`SharedStr`]: one string shared by many items.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A string many items repeat, held once: a file's path in the location of
/// every item found in it ([`FilePath`](crate::FilePath)), the qualified
/// name of an element and of its owning config on every attribute recorded
/// of it; a scan holds these until the rules have run. Reads like a `&str`
/// (`Deref`, comparisons with `str`, `&str` and `String`) and serializes as
/// a string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SharedStr(Arc<str>);

impl SharedStr {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> Self {
        SharedStr(Arc::from(s))
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> Self {
        SharedStr(Arc::from(s))
    }
}

impl From<&SharedStr> for SharedStr {
    fn from(s: &SharedStr) -> Self {
        s.clone()
    }
}

impl From<&SharedStr> for String {
    fn from(s: &SharedStr) -> Self {
        s.0.to_string()
    }
}

impl From<SharedStr> for String {
    fn from(s: SharedStr) -> Self {
        s.0.to_string()
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        &*self.0 == other.as_str()
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        self == &*other.0
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        self.as_str() == &*other.0
    }
}

/// Hashes and compares as its text: a set of shared strings is looked up
/// by `&str` (the engine shares the paths of findings read back).
impl std::borrow::Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_compares_like_a_str() {
        let a = SharedStr::from("salesforce:basic-connection");
        let b = a.clone();
        assert!(std::ptr::eq(a.as_str(), b.as_str()), "one allocation");
        assert_eq!(a, "salesforce:basic-connection");
        assert_eq!(a, *"salesforce:basic-connection");
        assert_eq!(a, "salesforce:basic-connection".to_string());
        assert_eq!("salesforce:basic-connection".to_string(), a);
        assert_eq!("salesforce:basic-connection", a);
        assert_eq!(*"salesforce:basic-connection", a);
        assert!(a.ends_with("-connection"));
        assert_eq!(format!("<{a}>"), "<salesforce:basic-connection>");
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            "\"salesforce:basic-connection\""
        );
    }
}
