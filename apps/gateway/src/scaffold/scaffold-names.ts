/** What `loom new` can make. */
export type ScaffoldKind = 'provider' | 'alert-sink';

/** The spellings of a plugin's name the templates use. */
export interface ScaffoldNames {
  /** npm package name: `loom-provider-weather`, or the scoped name given. */
  packageName: string;
  /** `weather-api`: file names, the plugin's `type`, ids. */
  kebab: string;
  /** `weatherApi`: identifiers that start lower-case (`weatherApiSettingsSchema`). */
  camel: string;
  /** `WeatherApi`: types and prose. */
  pascal: string;
  /** `WEATHER_API`: constants. */
  upper: string;
}

/** The package-name prefix of each kind, and the token its template is written with. */
export const KIND_PREFIX: Record<ScaffoldKind, string> = {
  provider: 'loom-provider-',
  'alert-sink': 'loom-alert-sink-',
};

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Reads the name given to `loom new`: `weather`, `loom-provider-weather` or
 * `@acme/loom-provider-weather`. Throws an Error saying what a name may hold.
 */
export function scaffoldNames(kind: ScaffoldKind, given: string): ScaffoldNames {
  const prefix = KIND_PREFIX[kind];
  const scoped = /^(@[a-z0-9][a-z0-9._-]*)\/(.+)$/.exec(given);
  const bare = scoped ? (scoped[2] as string) : given;
  const kebab = bare.startsWith(prefix) ? bare.slice(prefix.length) : bare;
  if (!KEBAB.test(kebab)) {
    throw new Error(
      `'${given}' is not a usable name: use lower-case letters, digits and single dashes, starting with a letter (for example 'weather' or '${prefix}weather').`,
    );
  }
  const words = kebab.split('-');
  const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
  const packageName = scoped ? given : `${prefix}${kebab}`;
  return {
    packageName,
    kebab,
    camel: words[0] + words.slice(1).map(capital).join(''),
    pascal: words.map(capital).join(''),
    upper: words.join('_').toUpperCase(),
  };
}

/**
 * Puts `names` where the template says `token` (`plainchat`): the package name first, then
 * `plainchatX` (camel), `Plainchat` (Pascal), `PLAINCHAT` (constants), and any other
 * `plainchat` (file names, strings).
 */
export function renameTemplate(
  text: string,
  kind: ScaffoldKind,
  token: string,
  names: ScaffoldNames,
): string {
  const pascal = token.charAt(0).toUpperCase() + token.slice(1);
  return text
    .replaceAll(`${KIND_PREFIX[kind]}${token}`, names.packageName)
    .replace(new RegExp(`${token}(?=[A-Z])`, 'g'), names.camel)
    .replaceAll(pascal, names.pascal)
    .replaceAll(token.toUpperCase(), names.upper)
    .replaceAll(token, names.kebab);
}
