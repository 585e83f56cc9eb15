/**
 * A person's role as an inline select (for rows the actor may change), labelled for screen
 * readers as "Role of <name>". Used by the workspace Members page and an account's Members tab.
 */
export function RoleSelect<R extends string>({
  id,
  personName,
  value,
  roles,
  labels,
  disabled,
  onChange,
}: {
  id: string;
  personName: string;
  value: R;
  roles: readonly R[];
  labels: Record<R, string>;
  disabled?: boolean;
  onChange: (role: R) => void;
}) {
  return (
    <>
      <label className="visually-hidden" htmlFor={id}>
        Role of {personName}
      </label>
      <select id={id} className="input select" value={value} disabled={disabled} onChange={(e) => onChange(e.target.value as R)}>
        {roles.map((r) => (
          <option key={r} value={r}>
            {labels[r]}
          </option>
        ))}
      </select>
    </>
  );
}
