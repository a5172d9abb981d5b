//! Query-string parsing that keeps repeated keys (`?department=A&department=B`)
//! and rejects what a lenient decoder would silently mangle: invalid UTF-8 in
//! percent-encoding, and numbers out of range. Errors name the parameter.
//!
//! A route's parameters are a serde struct ([`Params::typed`]): its
//! `IntoParams` names are the known keys (and its OpenAPI parameters), a
//! list field takes a repeated key, and any other field given twice is an
//! error naming it.

use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;
use utoipa::openapi::path::ParameterIn;

use super::error::ApiError;

/// Longest accepted query string, in bytes.
pub const MAX_QUERY_BYTES: usize = 8 * 1024;

/// The decoded `key=value` pairs of a query string, in order.
pub struct Params(pub Vec<(String, String)>);

fn decode(part: &str, what: &str) -> Result<String, ApiError> {
    let plus = part.replace('+', " ");
    percent_decode_str(&plus)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| ApiError::bad_parameter(what, "is not valid UTF-8 after percent-decoding"))
}

impl Params {
    pub fn parse(raw: Option<&str>) -> Result<Params, ApiError> {
        let raw = raw.unwrap_or("");
        if raw.len() > MAX_QUERY_BYTES {
            return Err(ApiError::query_too_long(MAX_QUERY_BYTES));
        }
        let mut out = Vec::new();
        for pair in raw.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let key = decode(k, "parameter name")?;
            let value = decode(v, &key)?;
            out.push((key, value));
        }
        Ok(Params(out))
    }

    /// Every value of `key`.
    pub fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Rejects parameters not in `known` (a typo should not be silently ignored).
    pub fn only(&self, known: &[&str]) -> Result<(), ApiError> {
        match self.0.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            Some((k, _)) => Err(ApiError::bad_parameter(
                k,
                format!("unknown parameter (known: {})", known.join(", ")),
            )),
            None => Ok(()),
        }
    }
}

impl Params {
    /// The parameters as the route's type `T`: unknown keys, a single-valued
    /// key given twice and a value of the wrong type are errors naming the
    /// parameter.
    pub fn typed<T: DeserializeOwned + IntoParams>(&self) -> Result<T, ApiError> {
        self.typed_among([])
    }

    /// [`Params::typed`] for parameters taken out before, by another reader
    /// (`others`: their keys, named as known in the unknown-key error).
    pub fn typed_among<'a, T: DeserializeOwned + IntoParams>(
        &self,
        others: impl IntoIterator<Item = &'a str>,
    ) -> Result<T, ApiError> {
        let mut names: Vec<String> = T::into_params(|| Some(ParameterIn::Query))
            .into_iter()
            .map(|p| p.name)
            .collect();
        names.extend(others.into_iter().map(String::from));
        self.only(&names.iter().map(String::as_str).collect::<Vec<_>>())?;
        // re-encoded from the strictly decoded pairs, for the form deserializer
        let encoded = serde_html_form::to_string(&self.0)
            .map_err(|e| ApiError::internal(format!("re-encoding the query: {e}")))?;
        serde_path_to_error::deserialize(serde_html_form::Deserializer::from_bytes(
            encoded.as_bytes(),
        ))
        .map_err(|e| {
            let name = e.path().to_string();
            let values: Vec<&str> = self.all(&name).collect();
            match values.as_slice() {
                [_, _, ..] => ApiError::bad_parameter(&name, "is given more than once"),
                [v] => ApiError::bad_parameter(&name, format!("{v:?}: {}", e.inner())),
                [] => ApiError::bad_parameter(&name, e.inner()),
            }
        })
    }
}

/// `value` of the parameter `name` checked to be in `min..=max`.
pub fn in_range(name: &str, value: usize, min: usize, max: usize) -> Result<usize, ApiError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::bad_parameter(
            name,
            format!("{value} is not a whole number between {min} and {max}"),
        ))
    }
}

/// An on/off parameter (also true/false, 1/0, yes/no, in any case); empty
/// is the route's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, utoipa::ToSchema)]
#[schema(value_type = String)]
pub struct Toggle(Option<bool>);

impl Toggle {
    /// The value given, or `default`.
    pub fn or(toggle: Option<Toggle>, default: bool) -> bool {
        toggle.and_then(|t| t.0).unwrap_or(default)
    }
}

impl<'de> serde::Deserialize<'de> for Toggle {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = String::deserialize(d)?;
        match v.trim().to_ascii_lowercase().as_str() {
            "" => Ok(Toggle(None)),
            "on" | "true" | "1" | "yes" => Ok(Toggle(Some(true))),
            "off" | "false" | "0" | "no" => Ok(Toggle(Some(false))),
            _ => Err(serde::de::Error::custom("is not on or off")),
        }
    }
}

/// `format=json` (the default) or `format=csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    #[default]
    #[serde(alias = "")]
    Json,
    Csv,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_and_utf8() {
        let p = Params::parse(Some(
            "q=%E6%B0%91%E7%94%9F+%E5%A7%94%E5%93%A1&department=A&department=B",
        ))
        .unwrap();
        assert_eq!(p.all("q").collect::<Vec<_>>(), vec!["民生 委員"]);
        assert_eq!(p.all("department").collect::<Vec<_>>(), vec!["A", "B"]);
        let e = Params::parse(Some("q=%FF%FE")).err().unwrap();
        assert_eq!(e.status, 400);
        assert!(e.message.starts_with("q:"));
    }

    #[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
    #[into_params(parameter_in = Query)]
    struct Paging {
        page: Option<usize>,
        per_page: Option<usize>,
        absent: Option<usize>,
    }

    #[test]
    fn integers_are_range_checked() {
        let typed = |q: &str| Params::parse(Some(q)).unwrap().typed::<Paging>();
        assert!(typed("page=-1").is_err());
        assert!(typed("per_page=99999999999999999999999").is_err());
        let p = typed("page=1001&per_page=101").unwrap();
        assert!(in_range("page", p.page.unwrap(), 1, 1000).is_err());
        assert!(in_range("per_page", p.per_page.unwrap(), 1, 100).is_err());
        assert_eq!(in_range("absent", p.absent.unwrap_or(7), 1, 10).unwrap(), 7);
    }

    #[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
    #[into_params(parameter_in = Query)]
    #[serde(deny_unknown_fields)]
    struct Example {
        #[serde(default)]
        q: String,
        #[serde(default)]
        filter: Vec<String>,
        limit: Option<usize>,
        on: Option<Toggle>,
    }

    #[test]
    fn typed_parameters_name_the_one_at_fault() {
        let p = Params::parse(Some("q=%E6%B0%91&filter=a&filter=b&limit=&on=OFF")).unwrap();
        let e: Example = p.typed().unwrap();
        assert_eq!(e.q, "民");
        assert_eq!(e.filter, ["a", "b"]);
        assert_eq!(e.limit, None);
        assert!(!Toggle::or(e.on, true));

        for (query, parameter, says) in [
            ("q=a&q=b", "q", "more than once"),
            ("limit=1&limit=2", "limit", "more than once"),
            ("limit=-1", "limit", "\"-1\""),
            ("on=maybe", "on", "not on or off"),
            ("colour=red", "colour", "unknown parameter"),
        ] {
            let err = Params::parse(Some(query))
                .unwrap()
                .typed::<Example>()
                .unwrap_err();
            assert_eq!(
                err.parameter.as_deref(),
                Some(parameter),
                "{query}: {err:?}"
            );
            assert!(err.message.contains(says), "{query}: {}", err.message);
            assert_eq!(err.status, 400);
        }
    }
}
