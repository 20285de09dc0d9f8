import { Avatar, type AvatarProps } from '@mantine/core'

/**
 * Chinese names show their last two characters (王经理 → 经理, 张三丰 → 三丰), as colleagues
 * call each other; other names get Mantine's initials. The colour follows the name.
 */
export function UserAvatar({ name, ...props }: Omit<AvatarProps, 'name' | 'children'> & { name: string }) {
  const han = /\p{Script=Han}/u.test(name)
  return (
    <Avatar radius="xl" color="initials" name={name} {...props}>
      {han ? [...name.trim()].slice(-2).join('') : undefined}
    </Avatar>
  )
}
