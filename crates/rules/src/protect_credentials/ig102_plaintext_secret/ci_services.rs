//! IG102's fixes in a CI service's own terms: a Jenkins credential, a
//! GitHub Actions secret, a GitLab, Azure Pipelines or Bitbucket variable.

use intguard_model::path_text::file_name;
use intguard_model::{Assignment, DefinitionForm};

use crate::support::environment_variable;

/// The fix of a secret `a` set in clear in `file` (its name), when the file
/// is a CI service's pipeline.
pub(super) fn pipeline_fix(a: &Assignment, file: &str) -> Option<String> {
    if is_jenkins_pipeline(file) {
        return Some(format!(
            "Remove the value from {file} and purge it from git history; keep it as a Jenkins credential (Manage Jenkins > Credentials, kind Secret text) and read it with {name} = credentials('<credential id>') in the pipeline's environment block, or withCredentials([string(credentialsId: '<credential id>', variable: '{name}')]) around the steps that need it. Then change the secret.",
            name = a.name
        ));
    }
    CiPlatform::of(&a.location.path).map(|ci| ci.fix(a, file))
}

/// A CI service whose pipeline file is known by its path, and how its jobs
/// read a secret kept in its store.
#[derive(Clone, Copy)]
enum CiPlatform {
    GitHubActions,
    GitLab,
    AzurePipelines,
    Bitbucket,
}

impl CiPlatform {
    fn of(path: &str) -> Option<Self> {
        let name = file_name(path);
        let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
        if yaml && (path.contains(".github/workflows/") || path.starts_with("github/workflows/")) {
            Some(Self::GitHubActions)
        } else if name == ".gitlab-ci.yml" {
            Some(Self::GitLab)
        } else if name == "azure-pipelines.yml" || name == "azure-pipelines.yaml" {
            Some(Self::AzurePipelines)
        } else if name == "bitbucket-pipelines.yml" {
            Some(Self::Bitbucket)
        } else {
            None
        }
    }

    /// What a job writes to read secret `var`.
    fn reference(self, var: &str) -> String {
        match self {
            Self::GitHubActions => format!("${{{{ secrets.{var} }}}}"),
            Self::AzurePipelines => format!("$({var})"),
            Self::GitLab | Self::Bitbucket => format!("${var}"),
        }
    }

    /// Where the secret is kept.
    fn store(self) -> &'static str {
        match self {
            Self::GitHubActions => "a GitHub Actions secret (Settings > Secrets and variables > Actions)",
            Self::GitLab => "a masked, protected CI/CD variable (Settings > CI/CD > Variables)",
            Self::AzurePipelines => "a secret pipeline variable or a variable group's secret (Pipelines > Library)",
            Self::Bitbucket => "a secured repository or deployment variable (Repository settings > Repository variables)",
        }
    }

    fn fix(self, a: &Assignment, file: &str) -> String {
        let var = environment_variable(&a.name);
        let reference = self.reference(&var);
        let store = self.store();
        match a.form {
            DefinitionForm::JavaOption => format!(
                "Write -D{}={reference} in {file} instead, with {var} kept as {store}, and purge the value from git history. Then change the secret.",
                a.name
            ),
            // A job variable of the secret's own name (`variables:
            // SF_PASSWORD: ...`): the store defines it for every job.
            _ if *a.name == *var && matches!(self, Self::GitLab | Self::Bitbucket) => format!(
                "Delete `{var}` from {file} and define it as {store} instead: jobs read it as {reference}. Purge the value from git history, then change the secret."
            ),
            _ => format!(
                "Replace the value of `{}` in {file} with {reference}, kept as {store}, and purge it from git history. Then change the secret.",
                a.name
            ),
        }
    }
}

/// A Jenkins pipeline's file name: `Jenkinsfile`, `Jenkinsfile.prod`,
/// `deploy.jenkinsfile`.
fn is_jenkins_pipeline(file: &str) -> bool {
    file == "Jenkinsfile"
        || file.starts_with("Jenkinsfile.")
        || file.to_ascii_lowercase().ends_with(".jenkinsfile")
}
