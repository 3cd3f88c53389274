package hadolint

import (
	"strings"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// hadolint's severity levels, as its JSON output writes them. "ignore"
// marks a rule that is off unless a configuration enables it.
const (
	lvError   = "error"
	lvWarning = "warning"
	lvInfo    = "info"
	lvStyle   = "style"
	lvIgnore  = "ignore"
)

// ruleInfo is the metadata of one hadolint rule. hadolint's own output
// carries only the finding's message, so the rule text is kept here.
type ruleInfo struct {
	Level string // hadolint's default level; empty for ShellCheck rules
	Text  string // one sentence, in our words

	// Score replaces the level's security-severity for rules whose finding
	// is a security weakness rather than a build or style problem.
	Score float64
}

// levelScores are the security-severity values of hadolint's levels.
// hadolint's levels rate build correctness and style, not exploitability,
// so even an error counts as medium on GitHub's scale. The few rules that
// find a security weakness carry their own Score.
var levelScores = map[string]float64{
	lvError:   5.5,
	lvWarning: 4.0,
	lvInfo:    2.0,
	lvStyle:   1.0,
	lvIgnore:  1.0,
}

// scoreSecurityWeakness is the Score of rules that find a security weakness:
// the lowest high value on GitHub's scale.
const scoreSecurityWeakness = 7.0

// sarifLevel maps a hadolint level to a SARIF level. SARIF has no level
// between warning and note, so info and style both become note; their
// security-severity still differs.
func sarifLevel(level string) finding.Level {
	switch level {
	case lvError:
		return finding.LevelError
	case lvWarning:
		return finding.LevelWarning
	default:
		return finding.LevelNote
	}
}

// knownRules lists hadolint's DL rules and the ShellCheck rules that
// hadolint's README names as common. The DL levels are the default
// severities of the README's rule table. Rules added after the table, or
// retired from it, come from src/Hadolint/Rule/ of
// github.com/hadolint/hadolint.
var knownRules = map[string]ruleInfo{
	"DL1000": {lvError, "The Dockerfile could not be parsed.", 0},
	"DL1001": {lvIgnore, "Avoid inline ignore pragmas such as `# hadolint ignore=DLxxxx`.", 0},
	"DL3000": {lvError, "Use an absolute path in WORKDIR.", 0},
	"DL3001": {lvInfo, "Commands such as ssh, vim, shutdown, service, ps, free, top, kill, mount or ifconfig make no sense in a container build.", 0},
	"DL3002": {lvWarning, "The last USER of the image should not be root.", scoreSecurityWeakness},
	"DL3003": {lvWarning, "Use WORKDIR to change directory instead of `cd`.", 0},
	"DL3004": {lvError, "Do not use sudo: its behaviour in a build is unpredictable; use a tool such as gosu to run as another user.", 0},
	"DL3005": {lvError, "Do not run `apt-get upgrade` or `apt-get dist-upgrade`.", 0},
	"DL3006": {lvWarning, "Tag the version of the base image explicitly.", 0},
	"DL3007": {lvWarning, "Do not use the `latest` tag: the image changes under you; pin a release tag.", 0},
	"DL3008": {lvWarning, "Pin package versions in `apt-get install`.", 0},
	"DL3009": {lvInfo, "Delete the apt-get lists after installing packages.", 0},
	"DL3010": {lvInfo, "Use ADD to extract a local archive into the image.", 0},
	"DL3011": {lvError, "Exposed ports must be in the UNIX range 0 to 65535.", 0},
	"DL3012": {lvError, "Use at most one HEALTHCHECK instruction.", 0},
	"DL3013": {lvWarning, "Pin package versions in `pip install`.", 0},
	"DL3014": {lvWarning, "Pass `-y` to `apt-get install`.", 0},
	"DL3015": {lvInfo, "Pass `--no-install-recommends` to `apt-get install` to avoid extra packages.", 0},
	"DL3016": {lvWarning, "Pin package versions in `npm install`.", 0},
	"DL3017": {lvError, "Do not run `apk upgrade`.", 0},
	"DL3018": {lvWarning, "Pin package versions in `apk add` (`apk add <package>=<version>`).", 0},
	"DL3019": {lvInfo, "Use `apk add --no-cache` instead of `--update` and removing /var/cache/apk/*.", 0},
	"DL3020": {lvError, "Use COPY instead of ADD for files and directories.", 0},
	"DL3021": {lvError, "A COPY with more than two arguments needs a destination that ends with `/`.", 0},
	"DL3022": {lvWarning, "`COPY --from` should name a stage defined by an earlier FROM.", 0},
	"DL3023": {lvError, "`COPY --from` cannot name the stage it is in.", 0},
	"DL3024": {lvError, "Stage names given with `FROM ... AS` must be unique.", 0},
	"DL3025": {lvWarning, "Write CMD and ENTRYPOINT arguments in JSON (exec) form.", 0},
	"DL3026": {lvError, "Use only an allowed registry in FROM.", scoreSecurityWeakness},
	"DL3027": {lvWarning, "Use apt-get or apt-cache instead of apt, which is meant for interactive use.", 0},
	"DL3028": {lvWarning, "Pin gem versions in `gem install` (`gem install <gem>:<version>`).", 0},
	"DL3029": {lvWarning, "Do not pass `--platform` to FROM.", 0},
	"DL3030": {lvWarning, "Pass `-y` to `yum install` to avoid a prompt.", 0},
	"DL3031": {lvError, "Do not run `yum update`.", 0},
	"DL3032": {lvWarning, "Run `yum clean all` after yum commands.", 0},
	"DL3033": {lvWarning, "Pin package versions in `yum install` (`<package>-<version>`).", 0},
	"DL3034": {lvWarning, "Pass a non-interactive switch such as `-y` to zypper.", 0},
	"DL3035": {lvWarning, "Do not run `zypper dist-upgrade`.", 0},
	"DL3036": {lvWarning, "Run `zypper clean` after zypper commands.", 0},
	"DL3037": {lvWarning, "Pin package versions in `zypper install` (`<package>[=]<version>`).", 0},
	"DL3038": {lvWarning, "Pass `-y` to `dnf install` to avoid a prompt.", 0},
	"DL3039": {lvError, "Do not run `dnf update`.", 0},
	"DL3040": {lvWarning, "Run `dnf clean all` after dnf commands.", 0},
	"DL3041": {lvWarning, "Pin package versions in `dnf install` (`<package>-<version>`).", 0},
	"DL3042": {lvWarning, "Pass `--no-cache-dir` to `pip install` to keep pip's cache out of the image.", 0},
	"DL3043": {lvError, "ONBUILD must not trigger ONBUILD, FROM or MAINTAINER.", 0},
	"DL3044": {lvError, "Do not refer to an environment variable in the ENV instruction that defines it.", 0},
	"DL3045": {lvWarning, "COPY to a relative destination needs a WORKDIR set first.", 0},
	"DL3046": {lvWarning, "`useradd` with a high UID needs `-l`, or the image grows very large.", 0},
	"DL3047": {lvInfo, "Pass `--progress` to wget to keep build logs small.", 0},
	"DL3048": {lvStyle, "The label key is invalid.", 0},
	"DL3049": {lvInfo, "A required label is missing.", 0},
	"DL3050": {lvInfo, "The image has labels beyond those required (strict labels).", 0},
	"DL3051": {lvWarning, "A label is empty.", 0},
	"DL3052": {lvWarning, "A label is not a valid URL.", 0},
	"DL3053": {lvWarning, "A label is not an RFC 3339 time.", 0},
	"DL3054": {lvWarning, "A label is not a valid SPDX license identifier.", 0},
	"DL3055": {lvWarning, "A label is not a valid git hash.", 0},
	"DL3056": {lvWarning, "A label does not follow semantic versioning.", 0},
	"DL3057": {lvIgnore, "The image has no HEALTHCHECK instruction.", 0},
	"DL3058": {lvWarning, "A label is not an RFC 5322 email address.", 0},
	"DL3059": {lvInfo, "Consecutive RUN instructions could be merged into one.", 0},
	"DL3060": {lvInfo, "Run `yarn cache clean` after `yarn install`.", 0},
	"DL3061": {lvError, "The Dockerfile must begin with FROM, ARG or a comment.", 0},
	"DL3062": {lvWarning, "Pin versions in `go install` (`go install <package>@<version>`).", 0},
	"DL3063": {lvWarning, "A stage name should not be a reserved word.", 0},
	"DL3064": {lvWarning, "Do not pass sensitive data such as tokens or passwords in ARG or ENV: they stay in the image.", scoreSecurityWeakness},
	"DL3065": {lvWarning, "`FROM --platform=$TARGETPLATFORM` is redundant: it is the default.", 0},
	"DL3066": {lvInfo, "A non-numeric USER may not resolve on the host.", 0},
	"DL3067": {lvWarning, "Do not copy the whole filesystem of another stage.", 0},
	"DL3068": {lvInfo, "Use a BuildKit cache mount for npm's cache.", 0},
	"DL3069": {lvInfo, "Use BuildKit cache mounts for cargo's registry and git caches.", 0},
	"DL3070": {lvInfo, "Use BuildKit cache mounts for Go's build and module caches.", 0},
	"DL3071": {lvInfo, "Use a BuildKit cache mount for Maven's repository.", 0},
	"DL3072": {lvInfo, "Use a BuildKit cache mount for Gradle's cache.", 0},
	"DL3073": {lvInfo, "Use a BuildKit cache mount for Composer's cache.", 0},
	"DL3074": {lvInfo, "Use a BuildKit cache mount for NuGet's packages.", 0},
	"DL3075": {lvInfo, "Use a BuildKit cache mount for pnpm's store.", 0},
	"DL3076": {lvInfo, "Use BuildKit cache mounts for Mix and Hex.", 0},
	"DL3077": {lvInfo, "Use a BuildKit cache mount for gem and bundler.", 0},
	"DL4000": {lvError, "MAINTAINER is deprecated; use a label instead.", 0},
	"DL4001": {lvWarning, "Use either wget or curl, not both.", 0},
	"DL4003": {lvWarning, "Use at most one CMD instruction.", 0},
	"DL4004": {lvError, "Use at most one ENTRYPOINT instruction.", 0},
	"DL4005": {lvWarning, "Use SHELL to change the default shell instead of linking /bin/sh.", 0},
	"DL4006": {lvWarning, "Set `SHELL [... \"-o\", \"pipefail\", ...]` before a RUN with a pipe, so a failing command fails the build.", 0},
	"DL4007": {lvWarning, "COPY with `.` as source can put files such as .git or .env into the image; copy only what the image needs.", 0},

	"SC1000": {"", "`$` is not used specially here and should be escaped.", 0},
	"SC1001": {"", "This backslash escape yields the plain character.", 0},
	"SC1007": {"", "Remove the space after `=` in an assignment (or write `var=''` for an empty string).", 0},
	"SC1010": {"", "Put a semicolon or newline before `done`, or quote it.", 0},
	"SC1018": {"", "This is a non-breaking space; replace it with a plain space.", 0},
	"SC1035": {"", "A space is needed here.", 0},
	"SC1045": {"", "Write `foo & bar`, not `foo &; bar`.", 0},
	"SC1065": {"", "Shell functions take no declared parameters; use `()` and `$1`, `$2`.", 0},
	"SC1066": {"", "Do not use `$` on the left side of an assignment.", 0},
	"SC1068": {"", "Do not put spaces around `=` in an assignment.", 0},
	"SC1077": {"", "Command substitution uses the backtick that slants left.", 0},
	"SC1078": {"", "A double-quoted string seems not to be closed.", 0},
	"SC1079": {"", "This end quote looks suspect because of the character after it.", 0},
	"SC1081": {"", "Shell keywords are case sensitive: write `if`, not `If`.", 0},
	"SC1083": {"", "This brace is literal; check the expression or quote it.", 0},
	"SC1086": {"", "Do not use `$` on the iterator name of a for loop.", 0},
	"SC1087": {"", "Use braces to expand arrays, as in `${array[idx]}`.", 0},
	"SC1091": {"", "ShellCheck could not follow a sourced file.", 0},
	"SC1095": {"", "Put a space or newline between the function name and its body.", 0},
	"SC1097": {"", "Unexpected `==`: assign with `=`, compare with `[ ]` or `[[ ]]`.", 0},
	"SC1098": {"", "Quote or escape special characters passed to eval.", 0},
	"SC1099": {"", "Put a space before `#`.", 0},
	"SC2002": {"", "Useless use of cat: pass the file to the command or redirect it.", 0},
	"SC2015": {"", "`A && B || C` is not if-then-else: C may run when A succeeds.", 0},
	"SC2026": {"", "This word is outside the quotes.", 0},
	"SC2028": {"", "echo does not expand escape sequences; use printf.", 0},
	"SC2035": {"", "Use `./*glob*` or `-- *glob*` so that file names starting with a dash are not read as options.", 0},
	"SC2039": {"", "This feature is undefined in POSIX sh.", 0},
	"SC2046": {"", "Quote the command substitution to prevent word splitting.", 0},
	"SC2086": {"", "Double-quote the expansion to prevent globbing and word splitting.", 0},
	"SC2140": {"", "The quotes in this word look misplaced.", 0},
	"SC2154": {"", "The variable is referenced but never assigned.", 0},
	"SC2155": {"", "Declare and assign separately so that a failing command is not masked.", 0},
	"SC2164": {"", "Use `cd ... || exit` in case cd fails.", 0},
}

// ruleFor returns the SARIF rule of a hadolint code. level is the hadolint
// level of the result that first named the code. It becomes the default
// level of ShellCheck rules and of codes that knownRules lacks.
func ruleFor(code, level string) finding.Rule {
	info, known := knownRules[code]
	if info.Level == "" {
		info.Level = level
	}
	score := info.Score
	if score == 0 {
		score = levelScores[info.Level]
	}
	if score == 0 {
		score = levelScores[lvInfo]
	}

	url := "https://github.com/hadolint/hadolint/wiki/" + code
	source := "hadolint rule " + code
	precision := finding.PrecisionVeryHigh
	if strings.HasPrefix(code, "SC") {
		url = "https://www.shellcheck.net/wiki/" + code
		source = "ShellCheck rule " + code + ", which hadolint applies to the shell code of RUN instructions"
		precision = finding.PrecisionHigh
	}

	short := info.Text
	if !known {
		short = "Dockerfile problem found by " + source + "."
	}
	full := short + " (" + source + ".)"

	return finding.Rule{
		ID:               code,
		Name:             code,
		ShortDescription: short,
		FullDescription:  full,
		HelpText:         full + "\n\nSee " + url + " for examples and the fix.",
		HelpMarkdown:     "**" + code + "**: " + short + "\n\nFound by " + source + ". See [" + code + "](" + url + ") for examples and the fix.\n",
		HelpURI:          url,
		Level:            sarifLevel(info.Level),
		SecuritySeverity: score,
		Precision:        precision,
		Tags:             []string{"security", "dockerfile"},
	}
}
