//! The committed keys tried on a config's values, best first, each set up
//! once per cipher.

use std::collections::HashMap;

use mule_secure_props::{Cipher, KeyedCipher};
use zeroize::Zeroizing;

use intguard_model::MuleApp;

use super::super::ig103_committed_encryption_key::{CommittedKey, KeySource};

/// One committed key set up with one cipher: as written and, when spaces
/// surround it, trimmed (either may be what the runtime is given). The key
/// schedule is computed once for every value the key is tried on: for
/// Blowfish it costs as much as decrypting some 500 blocks, and was most of
/// the rule's time on a large monorepo.
pub(super) struct KeyAttempt {
    as_written: Option<KeyedCipher>,
    trimmed: Option<KeyedCipher>,
}

impl KeyAttempt {
    /// `None` for each form whose length the cipher refuses.
    pub(super) fn new(cipher: &Cipher, key: &str) -> Self {
        let trimmed = key.trim();
        KeyAttempt {
            as_written: cipher.with_key(key.as_bytes()).ok(),
            trimmed: (trimmed != key)
                .then(|| cipher.with_key(trimmed.as_bytes()).ok())
                .flatten(),
        }
    }

    /// Whether the key decrypts `payload` to a plausible plaintext (valid
    /// padding, then [`mule_secure_props::plausible_plaintext`], the test
    /// `intguard fix` uses too).
    pub(super) fn decrypts(&self, payload: &[u8]) -> bool {
        let attempt = |keyed: &KeyedCipher| -> bool {
            let Ok(plain) = keyed.decrypt_decoded(payload) else {
                return false;
            };
            let plain = Zeroizing::new(plain);
            mule_secure_props::plausible_plaintext(&plain).is_some()
        };
        self.as_written.as_ref().is_some_and(attempt) || self.trimmed.as_ref().is_some_and(attempt)
    }

    /// The decrypted value's mask and fingerprint (`Te…(8) sha256:26a3bfee`),
    /// as plaintext secrets are shown (IG102), so that the same secret is
    /// recognised in other findings. Only for values known to decrypt; the
    /// value is not kept.
    pub(super) fn plaintext_digest(&self, payload: &[u8]) -> Option<String> {
        [&self.as_written, &self.trimmed]
            .into_iter()
            .flatten()
            .find_map(|keyed| {
                let plain = Zeroizing::new(keyed.decrypt_decoded(payload).ok()?);
                std::str::from_utf8(&plain)
                    .ok()
                    .map(intguard_model::secret::describe)
            })
    }
}

/// A committed key value and every place it is written, best first.
pub(super) struct Candidate<'a> {
    pub(super) value: &'a str,
    pub(super) sources: Vec<KeySource<'a>>,
}

/// Committed keys grouped by value (first appearance order).
pub(super) struct ValueGroup<'c, 'a> {
    pub(super) value: &'a str,
    pub(super) places: Vec<&'c CommittedKey<'a>>,
}

pub(super) fn value_groups<'a>(committed: &'a [CommittedKey<'a>]) -> Vec<ValueGroup<'a, 'a>> {
    let mut index: HashMap<&'a str, usize> = HashMap::new();
    let mut groups: Vec<ValueGroup<'a, 'a>> = Vec::new();
    for ck in committed {
        let i = *index.entry(&ck.source.value).or_insert_with(|| {
            groups.push(ValueGroup {
                value: &ck.source.value,
                places: Vec::new(),
            });
            groups.len() - 1
        });
        groups[i].places.push(ck);
    }
    groups
}

/// The keys to try on `app`'s config of index `config`: its own sources, then keys committed in the
/// same app, outside every app, and (bounded) in other apps. Each value once,
/// with its places best first. Ranked first and each made as it is tried:
/// a config whose values its own key opens tries no other (making them all
/// for each config of an app of 2,000 took time in the square of that).
pub(super) fn candidates<'k, 'a>(
    app: &'a MuleApp,
    config: usize,
    keys: &'k Keys<'_, '_, 'a>,
) -> impl Iterator<Item = Candidate<'a>> + 'k
where
    'a: 'k,
{
    let (groups, foreign_ok) = (keys.groups, keys.foreign_ok);
    // 0: this config's key (the app's config of that index), 1: committed
    // in this app, 2: outside every app, 3: in another app. The config
    // itself is compared, not its index looked up among the app's configs
    // for each key (that took time in the cube of their number).
    let own = app.secure_property_configs.get(config);
    let class = move |ck: &CommittedKey<'_>| -> u8 {
        if ck
            .users
            .iter()
            .any(|(a, cfg)| std::ptr::eq(*a, app) && own.is_some_and(|o| std::ptr::eq(o, *cfg)))
        {
            0
        } else {
            match ck.source.app {
                Some(a) if std::ptr::eq(a, app) => 1,
                None => 2,
                Some(_) => 3,
            }
        }
    };
    // Without other apps' keys, only the groups this app or no app holds
    // can rank: looked up, not searched for among every app's keys.
    let indices: Vec<usize> = if foreign_ok {
        (0..groups.len()).collect()
    } else {
        keys.groups_of(app)
    };
    let mut ranked: Vec<(u8, usize)> = indices
        .into_iter()
        .filter_map(|i| {
            let rank = groups[i].places.iter().map(|ck| class(ck)).min()?;
            // Another app's key is tried with this config's cipher whatever
            // its own app uses it with: one key string reused by a Blowfish
            // app and an AES app opens both (a reviewer's case).
            (rank != 3 || foreign_ok).then_some((rank, i))
        })
        .collect();
    ranked.sort_by_key(|(rank, _)| *rank);
    ranked.into_iter().map(move |(_, i)| {
        let g = &groups[i];
        let mut classed: Vec<(u8, &CommittedKey<'a>)> =
            g.places.iter().map(|ck| (class(ck), *ck)).collect();
        classed.sort_by_key(|(c, _)| *c);
        Candidate {
            value: g.value,
            sources: classed.iter().map(|(_, ck)| ck.source.clone()).collect(),
        }
    })
}

/// What the decryption of every app shares.
pub(super) struct Keys<'g, 'c, 'a> {
    pub(super) groups: &'g [ValueGroup<'c, 'a>],
    /// [`groups_by_app`] of `groups`.
    pub(super) by_app: GroupsByApp,
    /// Keys committed in other apps are tried too (few enough of them).
    pub(super) foreign_ok: bool,
    /// The [`payload_hash`]es of the payloads written more than once in the
    /// repository (worth caching), sorted.
    pub(super) repeated: &'g [u32],
}

/// A payload's hash, for [`Keys::repeated`]: 4 bytes for each of a
/// monorepo's `![...]` values (41,097 on 2,000 apps) where a sorted list of
/// the values themselves took 16, doubled by its growth. Two payloads
/// sharing a hash only make one more value cached.
pub(super) fn payload_hash(payload: &[u8]) -> u32 {
    use std::hash::BuildHasher;
    // The high half: foldhash mixes every bit of the payload into it.
    (foldhash::fast::FixedState::default().hash_one(payload) >> 32) as u32
}

impl Keys<'_, '_, '_> {
    /// Whether `payload` may be written more than once in the repository:
    /// its decryption with each key is then kept for the other copies.
    pub(super) fn maybe_repeated(&self, payload: &[u8]) -> bool {
        self.repeated.binary_search(&payload_hash(payload)).is_ok()
    }

    /// The groups with a place in `app` (written there, or used by one of
    /// its configs) or outside every app, in the groups' order.
    pub(super) fn groups_of(&self, app: &MuleApp) -> Vec<usize> {
        let mut out = self.by_app.loose.clone();
        if let Some(own) = self.by_app.apps.get(&app_key(app)) {
            out.extend(own);
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Indexes of the value groups per app (by the app's address) and of those
/// written outside every app.
#[derive(Default)]
pub(super) struct GroupsByApp {
    pub(super) apps: foldhash::HashMap<usize, Vec<usize>>,
    pub(super) loose: Vec<usize>,
}

pub(super) fn app_key(app: &MuleApp) -> usize {
    std::ptr::from_ref(app) as usize
}

pub(super) fn groups_by_app(groups: &[ValueGroup<'_, '_>]) -> GroupsByApp {
    let mut index = GroupsByApp::default();
    for (i, g) in groups.iter().enumerate() {
        for ck in &g.places {
            match ck.source.app {
                Some(a) => index.apps.entry(app_key(a)).or_default().push(i),
                None => index.loose.push(i),
            }
            for (a, _) in &ck.users {
                index.apps.entry(app_key(a)).or_default().push(i);
            }
        }
    }
    index
}
