//! Every string of a serializable value, visited in place: a `serde`
//! serializer that writes nothing, for reading what facts refer to without
//! listing their fields (or building a JSON tree of them, which cost a scan
//! 5% of its instructions).

use serde::ser::{self, Serialize};

/// Calls `f` with every string in `value` (map keys included).
pub fn visit_strings<T: Serialize + ?Sized>(value: &T, f: &mut impl FnMut(&str)) {
    // Nothing here fails; a `Serialize` impl's own error (none in the model)
    // would only end the visit early.
    let _ = value.serialize(&mut Strings(f));
}

struct Strings<'f, F>(&'f mut F);

#[derive(Debug)]
pub struct Stopped(String);

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Stopped {}

impl ser::Error for Stopped {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Stopped(msg.to_string())
    }
}

type Done = Result<(), Stopped>;

macro_rules! ignore {
    ($($name:ident: $t:ty),*) => {
        $(fn $name(self, _: $t) -> Done { Ok(()) })*
    };
}

impl<'f, F: FnMut(&str)> ser::Serializer for &mut Strings<'f, F> {
    type Ok = ();
    type Error = Stopped;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    ignore!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_f32: f32, serialize_f64: f64, serialize_char: char,
        serialize_bytes: &[u8], serialize_unit_struct: &'static str);

    fn serialize_str(self, v: &str) -> Done {
        (self.0)(v);
        Ok(())
    }
    fn serialize_none(self) -> Done {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Done {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Done {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Done {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        v: &T,
    ) -> Done {
        v.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Stopped> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Stopped> {
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Stopped> {
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Stopped> {
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Stopped> {
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Stopped> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Stopped> {
        Ok(self)
    }
}

macro_rules! compound {
    ($trait:ident, $method:ident) => {
        impl<'f, F: FnMut(&str)> ser::$trait for &mut Strings<'f, F> {
            type Ok = ();
            type Error = Stopped;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Done {
                v.serialize(&mut **self)
            }
            fn end(self) -> Done {
                Ok(())
            }
        }
    };
    ($trait:ident, named $method:ident) => {
        impl<'f, F: FnMut(&str)> ser::$trait for &mut Strings<'f, F> {
            type Ok = ();
            type Error = Stopped;
            fn $method<T: Serialize + ?Sized>(&mut self, _: &'static str, v: &T) -> Done {
                v.serialize(&mut **self)
            }
            fn end(self) -> Done {
                Ok(())
            }
        }
    };
}

compound!(SerializeSeq, serialize_element);
compound!(SerializeTuple, serialize_element);
compound!(SerializeTupleStruct, serialize_field);
compound!(SerializeTupleVariant, serialize_field);
compound!(SerializeStruct, named serialize_field);
compound!(SerializeStructVariant, named serialize_field);

impl<'f, F: FnMut(&str)> ser::SerializeMap for &mut Strings<'f, F> {
    type Ok = ();
    type Error = Stopped;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Done {
        k.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Done {
        v.serialize(&mut **self)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(serde::Serialize)]
    enum Kind {
        Plain,
        Named(String),
        Pair { a: u32, b: Option<String> },
    }

    #[derive(serde::Serialize)]
    struct Facts {
        name: String,
        count: u32,
        kinds: Vec<Kind>,
        nested: Option<Box<Facts>>,
        by_name: BTreeMap<String, (bool, String)>,
    }

    #[test]
    fn visits_every_string_wherever_it_is() {
        let facts = Facts {
            name: "a".into(),
            count: 3,
            kinds: vec![
                Kind::Plain,
                Kind::Named("b".into()),
                Kind::Pair {
                    a: 1,
                    b: Some("c".into()),
                },
            ],
            nested: Some(Box::new(Facts {
                name: "d".into(),
                count: 0,
                kinds: Vec::new(),
                nested: None,
                by_name: BTreeMap::new(),
            })),
            by_name: [("e".to_string(), (true, "f".to_string()))].into(),
        };
        let mut seen = Vec::new();
        visit_strings(&facts, &mut |s| seen.push(s.to_string()));
        assert_eq!(seen, ["a", "b", "c", "d", "e", "f"]);
    }
}
