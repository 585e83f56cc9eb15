/** A coloured tile with the application's first letter (stable colour per application name). */
const COLORS = ['#3b4bdb', '#0f7b6c', '#b4451f', '#7a3fc2', '#1f6fb4', '#a3306b', '#4d6b14', '#8a5a00'];

export function AppIcon({ application, size = 'md' }: { application: string; size?: 'md' | 'lg' }) {
  let h = 0;
  for (const ch of application.toLowerCase()) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const color = COLORS[h % COLORS.length];
  return (
    <span className={`app-icon ${size === 'lg' ? 'app-icon-lg' : ''}`} style={{ background: color }} aria-hidden="true">
      {(application.trim()[0] ?? '?').toUpperCase()}
    </span>
  );
}
