//! Spring beans (a Mule 3 `<spring:bean>`, a Mule 4 Spring beans file) and
//! SFTP key authentication, read element by element.

use super::*;

/// A Spring bean property whose value is written as element text:
/// `<property name="password"><value>...</value></property>`.
pub(super) struct SpringValue {
    /// The bean property's name.
    pub(super) property: String,
    /// The qualified name of its element (`property`, `constructor-arg`).
    pub(super) element: String,
    pub(super) owner: Option<String>,
    /// Depth of the property's frame in the element stack.
    pub(super) property_depth: usize,
    /// Depth of its `<value>` frame, once started.
    pub(super) value: Option<usize>,
    /// The text read so far and where its first non-blank character is.
    pub(super) text: String,
    pub(super) start: Option<usize>,
    /// The property lists the property files of a Spring property
    /// placeholder bean (`location`, `locations`): its `<value>`s, direct
    /// or in a `<list>`, are file locations (read so far), not a secret.
    pub(super) locations: Option<Vec<Value>>,
}

impl SpringValue {
    /// A property of `element` (at stack depth `depth`) whose value is the
    /// text of a `<value>` to come; `locations` for a placeholder bean's
    /// files.
    fn awaiting(
        property: &str,
        element: &str,
        owner: Option<String>,
        depth: usize,
        locations: Option<Vec<Value>>,
    ) -> Self {
        SpringValue {
            property: property.to_string(),
            element: element.to_string(),
            owner,
            property_depth: depth,
            value: None,
            text: String::new(),
            start: None,
            locations,
        }
    }
}

/// A Spring bean class that loads property files for `${...}`
/// placeholders, as `<context:property-placeholder>` does: Spring's
/// `PropertyPlaceholderConfigurer`, `PropertySourcesPlaceholderConfigurer`,
/// and subclasses named like them (Jasypt's
/// `EncryptablePropertyPlaceholderConfigurer`).
fn is_placeholder_configurer(class: &str) -> bool {
    class.ends_with("PlaceholderConfigurer")
}

impl XmlReader<'_> {
    /// The facts of a Spring beans or SFTP element, and the element's own
    /// name: a Spring bean is named by its `id` (or `name`), and a Spring
    /// `property`'s `name` is the bean property it sets, not a name.
    #[inline(never)]
    pub(super) fn spring_or_sftp<'n>(
        &mut self,
        family: Fam,
        local: &str,
        qname: &str,
        own_name: Option<Cow<'n, str>>,
        attrs: &[RawAttr<'n>],
        lt: usize,
    ) -> Option<Cow<'n, str>> {
        match (family, local) {
            (Fam::SpringBeans, "property" | "constructor-arg") => {
                // `<spring:property name="password" value="..."/>`: the
                // value of a secret-named bean property, as if it were that
                // attribute.
                self.spring_secret_property(qname, attrs);
                None
            }
            (Fam::SpringBeans, "value") => {
                let depth = self.stack.len();
                if let Some(v) = self.spring_value.as_mut() {
                    let child = depth == v.property_depth + 1;
                    // `<property name="locations"><list><value>`.
                    let in_list = v.locations.is_some() && depth == v.property_depth + 2;
                    if v.value.is_none() && (child || in_list) {
                        v.value = Some(depth);
                    }
                }
                own_name
            }
            (Fam::SpringBeans, "bean") => attrs
                .iter()
                .find(|a| a.name == "id")
                .map(|a| a.value.clone())
                .or(own_name),
            (Fam::Sftp, _) => {
                if attrs.iter().any(|a| a.name == "identityFile") {
                    let owner = self.owner(own_name.as_deref());
                    self.ssh_identity(qname, owner, attrs, lt);
                }
                own_name
            }
            _ => own_name,
        }
    }

    /// A Spring bean `property` whose `name` says it holds a secret: its
    /// `value` (located at that attribute) joins the secret attributes under
    /// the property's name, owned by the bean.
    pub(super) fn spring_secret_property(&mut self, qname: &str, attrs: &[RawAttr<'_>]) {
        let find = |n: &str| attrs.iter().find(|a| a.name == n);
        let Some(name) = find("name") else {
            return;
        };
        let property = name.value.as_ref();
        if matches!(property, "location" | "locations") && self.in_placeholder_bean() {
            self.spring_placeholder_locations(qname, property, find("value"));
            return;
        }
        if is_common_plain_attribute(property) || !vocab::is_secret_name(property) {
            return;
        }
        let owner = self.owner(None);
        let Some(value) = find("value") else {
            // The value may be the text of a `<value>` child.
            if find("ref").is_none() {
                self.spring_value = Some(SpringValue::awaiting(
                    property,
                    qname,
                    owner,
                    self.stack.len(),
                    None,
                ));
            }
            return;
        };
        let mut attr = self.attribute(qname, &owner, value);
        attr.name = property.to_string();
        self.facts.secret_attributes.push(attr);
    }

    /// The bean whose property starts (the last captured element: a bean
    /// is captured whole) loads property files.
    fn in_placeholder_bean(&self) -> bool {
        self.capture.last().is_some_and(|bean| {
            bean.family == Fam::SpringBeans
                && bean.local == "bean"
                && bean
                    .attr("class")
                    .is_some_and(|c| is_placeholder_configurer(c.raw.trim()))
        })
    }

    /// `<spring:property name="location" value="classpath:mule.${mule.env}.properties"/>`
    /// of a property placeholder bean imports that file, as
    /// `<context:property-placeholder location>` does; without `value`,
    /// its `<value>` texts name the files (read as they come).
    fn spring_placeholder_locations(
        &mut self,
        qname: &str,
        property: &str,
        value: Option<&RawAttr<'_>>,
    ) {
        let owner = self.owner(None);
        match value {
            Some(value) => {
                let file = self.attribute(qname, &owner, value).value;
                self.facts.property_imports.push(PropertyImport {
                    element: qname.to_string(),
                    file,
                    secure: false,
                });
            }
            None => {
                self.spring_value = Some(SpringValue::awaiting(
                    property,
                    qname,
                    owner,
                    self.stack.len(),
                    Some(Vec::new()),
                ));
            }
        }
    }

    /// SSH key authentication (an SFTP connection's `identityFile` and
    /// `passphrase`): a key loader named after `owner`, located at `lt`.
    pub(super) fn ssh_identity(
        &mut self,
        qname: &str,
        owner: Option<String>,
        attrs: &[RawAttr<'_>],
        lt: usize,
    ) {
        let attributes = attrs
            .iter()
            .filter(|a| matches!(a.name, "identityFile" | "passphrase"))
            .map(|a| self.attribute(qname, &owner, a))
            .collect();
        let location = self.loc(lt);
        self.facts.key_loaders.push(KeyLoader {
            kind: KeyLoaderKind::SftpIdentity,
            element: qname.to_string(),
            name: owner,
            location,
            attributes,
            key_infos: Vec::new(),
        });
    }

    /// The current element is the `<value>` of a secret-named Spring bean
    /// property.
    pub(super) fn in_spring_value(&self) -> bool {
        self.spring_value
            .as_ref()
            .is_some_and(|v| v.value.is_some_and(|d| d + 1 == self.stack.len()))
    }

    /// The end of an element that may close a Spring bean property's
    /// `<value>` (its text becomes a secret attribute of the property's
    /// element, located at the text) or the property.
    pub(super) fn end_spring_value(&mut self) {
        let depth = self.stack.len();
        let Some(v) = self.spring_value.take() else {
            return;
        };
        match v.value {
            Some(d) if d == depth => {
                let raw = v.text.trim_end();
                let value = match (v.start, raw.is_empty()) {
                    (Some(start), false) => Some(Value::new(raw, self.loc(start))),
                    _ => None,
                };
                if let Some(mut files) = v.locations {
                    // A file location: more may follow in the list.
                    files.extend(value);
                    self.spring_value = Some(SpringValue {
                        value: None,
                        text: String::new(),
                        start: None,
                        locations: Some(files),
                        ..v
                    });
                } else if let Some(value) = value {
                    self.facts.secret_attributes.push(XmlAttribute {
                        element: v.element.into(),
                        owner: v.owner.map(SharedStr::from),
                        name: v.property,
                        value,
                    });
                }
            }
            // The property itself ends: a placeholder's files are one
            // import, a `location` list as `<context:property-placeholder>`
            // writes it (Spring keeps a property's last definition there
            // too), located at its first file.
            _ if depth <= v.property_depth => {
                if let Some(files) = v.locations.filter(|f| !f.is_empty()) {
                    let raw: Vec<&str> = files.iter().map(|f| f.raw.as_str()).collect();
                    let file = Value::new(raw.join(","), files[0].location.clone());
                    self.facts.property_imports.push(PropertyImport {
                        element: v.element,
                        file,
                        secure: false,
                    });
                }
            }
            value => {
                self.spring_value = Some(SpringValue { value, ..v });
            }
        }
    }
}
