//! Reads template.yaml, the one source of truth for the table and the routes.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, StreamSpecification, StreamViewType,
};
use std::path::Path;
use yaml_serde::Value;

/// The logical id of the table resource.
pub const TABLE_RESOURCE: &str = "OrdersTable";

pub fn load(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    yaml_serde::from_str(&text).map_err(|error| format!("{} is not valid YAML: {error}", path.display()))
}

/// One `HttpApi` event of a function.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TemplateRoute {
    pub method: String,
    pub path: String,
    pub function: String,
    /// False where the event sets `Auth: Authorizer: NONE`, or its API has no authorizer (the
    /// payment providers' callbacks).
    pub needs_token: bool,
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// Where `make package` puts a function's zip; template.yaml's `CodeUri` names it.
pub fn code_uri(binary: &str) -> String {
    format!("target/lambda/{binary}/bootstrap.zip")
}

/// The binary a function resource deploys, read from its `CodeUri` (`code_uri`).
pub fn binary(resource: &Value) -> Option<&str> {
    let uri = resource.get("Properties").and_then(|properties| text(properties, "CodeUri"))?;
    uri.strip_prefix("target/lambda/")?.strip_suffix("/bootstrap.zip")
}

/// Every function resource: logical id and binary.
pub fn functions(template: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(resources) = template.get("Resources").and_then(Value::as_mapping) else { return out };
    for (id, resource) in resources {
        if text(resource, "Type") == Some("AWS::Serverless::Function") {
            let id = id.as_str().unwrap_or_default().to_string();
            out.push((id, binary(resource).unwrap_or_default().to_string()));
        }
    }
    out.sort();
    out
}

/// The logical id a `!Ref` names.
fn referenced(value: Option<&Value>) -> Option<&str> {
    match value? {
        Value::Tagged(tagged) if tagged.tag == "!Ref" || tagged.tag == "Ref" => tagged.value.as_str(),
        Value::Mapping(mapping) => mapping.get("Ref").and_then(Value::as_str),
        _ => None,
    }
}

/// Every HttpApi event of every function, with the function's binary name.
pub fn routes(template: &Value) -> Vec<TemplateRoute> {
    let mut out = Vec::new();
    let Some(resources) = template.get("Resources").and_then(Value::as_mapping) else {
        return out;
    };
    for resource in resources.values() {
        if text(resource, "Type") != Some("AWS::Serverless::Function") {
            continue;
        }
        let binary = binary(resource).unwrap_or_default().to_string();
        let events = resource.get("Properties").and_then(|p| p.get("Events")).and_then(Value::as_mapping);
        for event in events.into_iter().flat_map(|events| events.values()) {
            if text(event, "Type") != Some("HttpApi") {
                continue;
            }
            let Some(properties) = event.get("Properties") else {
                continue;
            };
            let api_authorizes = referenced(properties.get("ApiId"))
                .and_then(|api| resources.get(api))
                .and_then(|api| api.get("Properties")?.get("Auth")?.get("DefaultAuthorizer"))
                .is_some();
            let needs_token = api_authorizes
                && properties
                    .get("Auth")
                    .and_then(|auth| text(auth, "Authorizer"))
                    .is_none_or(|authorizer| authorizer != "NONE");
            out.push(TemplateRoute {
                method: text(properties, "Method").unwrap_or_default().to_uppercase(),
                path: text(properties, "Path").unwrap_or_default().to_string(),
                function: binary.clone(),
                needs_token,
            });
        }
    }
    out.sort();
    out
}

/// Functions run by an EventBridge schedule (`Type: Schedule` events), by binary name.
pub fn scheduled_functions(template: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let Some(resources) = template.get("Resources").and_then(Value::as_mapping) else { return out };
    for resource in resources.values() {
        let events = resource.get("Properties").and_then(|p| p.get("Events")).and_then(Value::as_mapping);
        let scheduled =
            events.into_iter().flat_map(|events| events.values()).any(|e| text(e, "Type") == Some("Schedule"));
        if let (true, Some(binary)) = (scheduled, binary(resource)) {
            out.push(binary.to_string());
        }
    }
    out.sort();
    out
}

/// Functions fed by the table's stream (`Type: DynamoDB` events), by binary name.
pub fn stream_functions(template: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let Some(resources) = template.get("Resources").and_then(Value::as_mapping) else { return out };
    for resource in resources.values() {
        let events = resource.get("Properties").and_then(|p| p.get("Events")).and_then(Value::as_mapping);
        let streamed =
            events.into_iter().flat_map(|events| events.values()).any(|e| text(e, "Type") == Some("DynamoDB"));
        if let (true, Some(binary)) = (streamed, binary(resource)) {
            out.push(binary.to_string());
        }
    }
    out.sort();
    out
}

/// The HTTP API's CORS settings (`OrdersApi`'s `CorsConfiguration`), which the dev server
/// applies as API Gateway does; `origins` is the `AllowedOrigins` parameter's default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cors {
    pub origins: Vec<String>,
    pub methods: Vec<String>,
    pub headers: Vec<String>,
    pub expose_headers: Vec<String>,
    pub max_age_seconds: u64,
}

pub fn cors(template: &Value) -> Result<Cors, String> {
    let config = template
        .get("Resources")
        .and_then(|resources| resources.get("OrdersApi"))
        .and_then(|api| api.get("Properties"))
        .and_then(|properties| properties.get("CorsConfiguration"))
        .ok_or("template has no OrdersApi CorsConfiguration")?;
    let list = |key: &str| -> Vec<String> {
        config
            .get(key)
            .and_then(Value::as_sequence)
            .map(|items| items.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default()
    };
    let origins = template
        .get("Parameters")
        .and_then(|parameters| parameters.get("AllowedOrigins"))
        .and_then(|parameter| text(parameter, "Default"))
        .ok_or("template has no AllowedOrigins default")?
        .split(',')
        .map(|origin| origin.trim().to_string())
        .collect();
    Ok(Cors {
        origins,
        methods: list("AllowMethods"),
        headers: list("AllowHeaders"),
        expose_headers: list("ExposeHeaders"),
        max_age_seconds: config.get("MaxAge").and_then(Value::as_u64).unwrap_or(0),
    })
}

/// The table's key schema, attributes and indexes, as CreateTable takes them.
pub struct TableDefinition {
    pub attributes: Vec<AttributeDefinition>,
    pub key_schema: Vec<KeySchemaElement>,
    pub indexes: Vec<GlobalSecondaryIndex>,
    /// `StreamSpecification.StreamViewType`, when the table has a stream.
    pub stream_view_type: Option<String>,
}

fn key_schema(list: Option<&Value>) -> Result<Vec<KeySchemaElement>, String> {
    list.and_then(Value::as_sequence)
        .ok_or("KeySchema is missing")?
        .iter()
        .map(|element| {
            KeySchemaElement::builder()
                .attribute_name(text(element, "AttributeName").unwrap_or_default())
                .key_type(KeyType::from(text(element, "KeyType").unwrap_or_default()))
                .build()
                .map_err(|error| error.to_string())
        })
        .collect()
}

pub fn table_definition(template: &Value) -> Result<TableDefinition, String> {
    let properties = template
        .get("Resources")
        .and_then(|resources| resources.get(TABLE_RESOURCE))
        .and_then(|table| table.get("Properties"))
        .ok_or_else(|| format!("template has no Resources.{TABLE_RESOURCE}.Properties"))?;
    let attributes = properties
        .get("AttributeDefinitions")
        .and_then(Value::as_sequence)
        .ok_or("AttributeDefinitions is missing")?
        .iter()
        .map(|attribute| {
            AttributeDefinition::builder()
                .attribute_name(text(attribute, "AttributeName").unwrap_or_default())
                .attribute_type(ScalarAttributeType::from(text(attribute, "AttributeType").unwrap_or_default()))
                .build()
                .map_err(|error| error.to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;
    let indexes = properties
        .get("GlobalSecondaryIndexes")
        .and_then(Value::as_sequence)
        .map(|indexes| {
            indexes
                .iter()
                .map(|index| {
                    let projection = index
                        .get("Projection")
                        .and_then(|projection| text(projection, "ProjectionType"))
                        .unwrap_or("ALL");
                    GlobalSecondaryIndex::builder()
                        .index_name(text(index, "IndexName").unwrap_or_default())
                        .set_key_schema(Some(key_schema(index.get("KeySchema"))?))
                        .projection(Projection::builder().projection_type(ProjectionType::from(projection)).build())
                        .build()
                        .map_err(|error| error.to_string())
                })
                .collect::<Result<Vec<_>, String>>()
        })
        .transpose()?
        .unwrap_or_default();
    let stream_view_type =
        properties.get("StreamSpecification").and_then(|stream| text(stream, "StreamViewType")).map(str::to_string);
    Ok(TableDefinition { attributes, key_schema: key_schema(properties.get("KeySchema"))?, indexes, stream_view_type })
}

/// Creates `table_name` from the template's definition, unless it exists. Returns true if created.
pub async fn create_table(
    client: &aws_sdk_dynamodb::Client,
    table_name: &str,
    template_path: &Path,
) -> Result<bool, String> {
    let definition = table_definition(&load(template_path)?)?;
    let existing = client.list_tables().send().await.map_err(|error| format!("cannot reach DynamoDB: {error}"))?;
    if existing.table_names().iter().any(|name| name == table_name) {
        return Ok(false);
    }
    client
        .create_table()
        .table_name(table_name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_attribute_definitions(Some(definition.attributes))
        .set_key_schema(Some(definition.key_schema))
        .set_global_secondary_indexes((!definition.indexes.is_empty()).then_some(definition.indexes))
        .set_stream_specification(stream_specification(definition.stream_view_type.as_deref())?)
        .send()
        .await
        .map_err(|error| {
            format!("cannot create table {table_name}: {}", aws_sdk_dynamodb::error::DisplayErrorContext(error))
        })?;
    Ok(true)
}

fn stream_specification(view_type: Option<&str>) -> Result<Option<StreamSpecification>, String> {
    view_type
        .map(|view_type| {
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::from(view_type))
                .build()
                .map_err(|error| error.to_string())
        })
        .transpose()
}
