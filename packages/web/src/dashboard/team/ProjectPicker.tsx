/**
 * A set of project names chosen with one checkbox each: the invite form and the team list's
 * assignment bar both pick several projects at once with it.
 */
export function ProjectPicker({
  legend,
  projects,
  chosen,
  onChange,
}: {
  legend: string;
  projects: string[];
  chosen: string[];
  onChange: (chosen: string[]) => void;
}) {
  if (projects.length === 0) return <p className="tw-hint">No projects yet: create one with the API (POST /v1/projects) or the CLI, then assign people here.</p>;
  const toggle = (name: string, on: boolean) => onChange(on ? [...chosen.filter((entry) => entry !== name), name] : chosen.filter((entry) => entry !== name));
  return (
    <fieldset className="tw-project-picker">
      <legend>{legend}</legend>
      {projects.map((name) => (
        <label key={name}>
          <input type="checkbox" checked={chosen.includes(name)} onChange={(event) => toggle(name, event.target.checked)} />
          {name}
        </label>
      ))}
    </fieldset>
  );
}
